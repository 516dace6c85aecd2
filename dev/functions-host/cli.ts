import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { projectRoot } from '../local-settings.js';
import { readHostJson } from './host-json.js';
import { startLocalHost } from './local-host.js';

/**
 * The local Functions host as its own process (as the Functions worker is in Azure). Settings
 * come from the environment, like app settings; `npm start` and the tests pass them in.
 */
const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '7071' },
    'lease-ms': { type: 'string' },
    'retry-delay-ms': { type: 'string' },
    'no-timers': { type: 'boolean', default: false },
  },
});

const { rootLogger } = await import('../../src/logging.js');
const { checkStartup } = await import('../../src/startup-check.js');
const { describeServiceFailure, formatServiceFailure } = await import('../../src/cli/service-errors.js');
const { loadConfig } = await import('../../src/config.js');

/** Start-up problems end the process with what was tried, what answered and what to do, never a stack trace. */
function stopWith(code: number, problems: string[]): never {
  console.error(problems.join('\n\n'));
  process.exit(code);
}

// Settings, storage and the token endpoint, before anything else, as the app's start-up does in Azure.
const startup = await checkStartup(process.env);
if (startup.exitCode !== 0) stopWith(startup.exitCode, startup.problems);
const { functionDefinitions } = await import('../../functions/definitions.js');
const storage = process.env.AzureWebJobsStorage;
if (!storage) stopWith(78, ['weqs cannot start: the local host needs AzureWebJobsStorage as a connection string (Azurite started with `npm run storage` or `npm start`, both with --disableTelemetry: UseDevelopmentStorage=true); identity-based storage is for Azure.']);
// A bundled copy of this file runs from elsewhere, so the path to host.json can be given.
const hostJsonPath = process.env.WEQS_HOST_JSON ?? join(projectRoot, 'host.json');
const hostJson = await readHostJson(hostJsonPath).catch((error: unknown) => stopWith(78, [`weqs cannot start: ${error instanceof Error ? error.message : String(error)}`]));
// Tests shorten the wait before a failed message is retried (host.json visibilityTimeout).
if (values['retry-delay-ms']) hostJson.extensions.queues.visibilityTimeout = Number(values['retry-delay-ms']);
const host = await startLocalHost({
  definitions: functionDefinitions,
  hostJson,
  storageConnectionString: storage,
  port: Number(values.port),
  log: rootLogger.child({ component: 'functions-host' }),
  ...(values['lease-ms'] ? { queueLeaseMs: Number(values['lease-ms']) } : {}),
  timers: !values['no-timers'],
}).catch((error: unknown) => {
  // Storage that stopped answering after the check, or a port already taken.
  const taken = (error as { code?: unknown }).code === 'EADDRINUSE';
  return stopWith(1, [taken ? `weqs cannot start: port ${values.port} on 127.0.0.1 is already in use.\nWhat to do: stop what uses it, or pass another --port (npm start: --host-port).` : formatServiceFailure(describeServiceFailure(error, loadConfig(process.env)), 'weqs cannot start')]);
});
process.send?.({ ready: true, url: host.url });

const stop = async (): Promise<void> => {
  await host.stop();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
