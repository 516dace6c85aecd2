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
const { loadConfig, ConfigError } = await import('../../src/config.js');
try {
  loadConfig();
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(78);
  }
  throw error;
}
const { functionDefinitions } = await import('../../functions/definitions.js');
const storage = process.env.AzureWebJobsStorage;
if (!storage) throw new Error('AzureWebJobsStorage must be a connection string for the local host.');
// A bundled copy of this file runs from elsewhere, so the path to host.json can be given.
const hostJson = await readHostJson(process.env.WEQS_HOST_JSON ?? join(projectRoot, 'host.json'));
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
});
process.send?.({ ready: true, url: host.url });

const stop = async (): Promise<void> => {
  await host.stop();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
