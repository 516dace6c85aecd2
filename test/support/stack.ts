import { startAzurite } from '../../dev/storage-emulator.js';
import type { RunningAzurite } from '../../dev/storage-emulator.js';
import { spawnLocalHost } from '../../dev/functions-host/spawn-host.js';
import type { SpawnedHost } from '../../dev/functions-host/spawn-host.js';
import { embeddedTenantSettings, projectRoot, readLocalSettings } from '../../dev/local-settings.js';
import { sampleDirectoryArgs, weqsCommand } from '../../dev/weqs-command.js';
import { join } from 'node:path';
import { ensureDevCertificates, trustBundle } from '../../emulator/tls.js';
import { defaultSweepGraceSeconds } from '../../src/config.js';
import { ServiceState } from '../../src/storage/service-state.js';
import { Tables } from '../../src/storage/tables.js';
import { startTestEmulator } from './emulator.js';
import type { TestEmulator, TestEmulatorOptions } from './emulator.js';
import { unusedPort } from './ports.js';

export interface LogLine {
  level: number;
  msg: string;
  correlationId?: string;
  [key: string]: unknown;
}

export interface Stack {
  storage: RunningAzurite;
  env: TestEmulator;
  host: SpawnedHost;
  settings: Record<string, string>;
  logs: LogLine[];
  waitForLog(predicate: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  /** Kills the host (a crash) and starts a fresh one on the same storage and tenant. */
  restartHost(mode?: 'crash' | 'graceful'): Promise<void>;
  invokeTimer(name: string): Promise<void>;
  /** Another Functions host instance on the same storage and tenant (timers off), as Azure scales out. */
  addInstance(): Promise<SpawnedHost>;
  stop(): Promise<void>;
}

export interface StackOptions extends TestEmulatorOptions {
  /** Short leases let a crashed host's messages come back quickly. */
  leaseMs?: number;
  /** Shortens host.json's wait before a failed message is retried. */
  retryDelayMs?: number;
  settings?: Record<string, string>;
  /** Review cycles to seed the calendar list with (default: the example calendar, config/examples/review-calendar.example.json). */
  calendarFile?: string;
  /** The fictional sample (as `npm start` uses) or the extract of real NHS ODS files the tests ship. */
  directory?: 'sample' | 'ods-extract' | 'none';
  /**
   * A deployment granted User.Invite.All and User.Read.All, with WEQS_CREATE_GUESTS on: weqs makes
   * new applicants guests and shares at once. Off (the default), their access is pending.
   */
  createGuests?: boolean;
  /** Puts something between every storage client and Azurite (the chaos campaign's fault proxy). */
  wrapStorage?: (azurite: RunningAzurite) => Promise<RunningAzurite>;
}

/** The grant infra/README.md describes for WEQS_CREATE_GUESTS, on top of any other tenant change. */
function withGuestCreation(options: StackOptions): StackOptions {
  if (!options.createGuests) return options;
  const adjust = options.tenant;
  return {
    ...options,
    settings: { WEQS_CREATE_GUESTS: 'true', ...(options.settings ?? {}) },
    tenant: (seed) => {
      const adjusted = adjust ? adjust(seed) : seed;
      const [weqs, ...others] = adjusted.applications;
      if (!weqs) return adjusted;
      return { ...adjusted, applications: [{ ...weqs, roles: [...weqs.roles, 'User.Read.All', 'User.Invite.All'] }, ...others] };
    },
  };
}

/** Future cycles that nobody published, for tests that need a deadline to come. */
export const exampleCalendarFile = join(projectRoot, 'config', 'examples', 'review-calendar.example.json');
/** The cycles the standard's owners published, and its paused state. */
export const realCalendarFile = join(projectRoot, 'config', 'review-calendar.json');

const odsExtract = join(projectRoot, 'test', 'fixtures', 'nhs-ods-extract');

function odsExtractDirectoryArgs(): string[] {
  const file = (name: string): string => join(odsExtract, name);
  return ['directory', 'import', '--etr', file('etr.csv'), '--epraccur', file('epraccur_active_gp_practices.csv'), '--egdpprac', file('egdpprac_open_dental_practices.csv'), '--icb', file('icbs_2026_36_from_rtt_april2026.csv'), '--succ', file('succ_trust_rows.csv')];
}


/**
 * Where Graph refuses the inbox subscription (the alternative reading, WEQS_EMULATOR_READINGS),
 * the sweep is the only way in, and it leaves an email younger than its real grace period to a
 * webhook that is never called. So each delivered email arrives as one that has waited past the
 * grace period (Graph's clock set back for it), and the sweep runs after it, as its timer would.
 */
function sweepDelivered(env: TestEmulator, sweep: () => Promise<void>): void {
  const deliver = env.control.deliver.bind(env.control);
  const back = (defaultSweepGraceSeconds + 10) * 1000;
  // One sweep at a time, as the timer runs it; deliveries while one runs share the next one (dozens
  // of sweeps at once would queue each email dozens of times, which no deployment does).
  let last: Promise<void> = Promise.resolve();
  let next: Promise<void> | undefined;
  const sweepAfterDelivery = (): Promise<void> => {
    if (next) return next;
    const run = last
      .catch(() => undefined)
      .then(() => {
        next = undefined;
        return sweep();
      });
    next = run;
    last = run;
    return run;
  };
  env.control.deliver = async (email) => {
    await env.control.call('POST', '/_emulator/clock', { advanceMs: -back });
    const delivered = await deliver(email).finally(() => env.control.call('POST', '/_emulator/clock', { advanceMs: back }));
    await sweepAfterDelivery();
    return delivered;
  };
}

/** The whole local system, as `npm start` runs it: Azurite, the emulator and the Functions host in its own process. */
export async function startStack(requested: StackOptions = {}): Promise<Stack> {
  const options = withGuestCreation(requested);
  const certificates = await ensureDevCertificates();
  const azurite = await startAzurite();
  const storage = options.wrapStorage ? await options.wrapStorage(azurite) : azurite;
  const env = await startTestEmulator(options);
  const logs: LogLine[] = [];
  const waiters = new Set<() => void>();
  let buffer = '';
  const onOutput = (text: string): void => {
    buffer += text;
    const lines = buffer.split('\n');
    buffer = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.startsWith('{')) continue;
      try {
        logs.push(JSON.parse(line) as LogLine);
      } catch {
        // a partial line from a crash
      }
    }
    for (const wake of waiters) wake();
  };
  let host: SpawnedHost | undefined;
  const hostPort = await unusedPort();
  const settings: Record<string, string> = {
    ...embeddedTenantSettings(await readLocalSettings(), {
      emulatorUrl: env.emulator.url,
      webhookUrl: env.emulator.webhookUrl('staff-channel'),
      storage: storage.connectionString,
      hostUrl: `http://127.0.0.1:${hostPort}`,
    }),
    // Crashed workers' emails come back within seconds. The sweep keeps its real grace period.
    WEQS_PROCESSING_LEASE_SECONDS: '5',
    // Seconds, not minutes, for a send of unknown outcome (the emulator files Sent Items copies
    // after 2 s: the settle time outlasts it three times) and for emails put off.
    WEQS_SENT_ITEMS_SETTLE_SECONDS: '6',
    WEQS_DEFER_BUSY_SECONDS: '2',
    WEQS_DEFER_SEND_UNKNOWN_SECONDS: '3',
    WEQS_DEFER_SEND_RATE_SECONDS: '5',
    // Tests invoke the sweep timer by hand: let every invocation sweep, whatever the minute.
    WEQS_SWEEP_MINUTES: '1',
    ...(options.settings ?? {}),
  };
  const processEnv = { ...settings, NODE_EXTRA_CA_CERTS: await trustBundle(certificates) };
  const start = (port = hostPort): Promise<SpawnedHost> =>
    spawnLocalHost({
      env: processEnv,
      port,
      timers: false,
      ...(options.leaseMs ? { leaseMs: options.leaseMs } : {}),
      ...(options.retryDelayMs !== undefined ? { retryDelayMs: options.retryDelayMs } : {}),
      onOutput,
    });
  const extraInstances: SpawnedHost[] = [];
  // Each command and the host is a Node process that takes a second or two to start, so what does
  // not depend on something else runs alongside it: the calendar list needs `setup`, the directory
  // (a blob) and the watermark need nothing, and the host reads none of them until it is called.
  const prepared = Promise.all([
    weqsCommand(processEnv, ['setup']).then(() => weqsCommand(processEnv, ['calendar', 'import', '--file', options.calendarFile ?? exampleCalendarFile])),
    options.directory === 'none' ? undefined : weqsCommand(processEnv, options.directory === 'ods-extract' ? odsExtractDirectoryArgs() : sampleDirectoryArgs()),
    // As after a deployment ten minutes ago: weqs's watermark predates every email a test delivers,
    // including those delivered with Graph's clock set back past the sweep's grace period.
    new ServiceState(new Tables({ connectionString: storage.connectionString })).set('inbox-watermark', new Date(Date.now() - 10 * 60_000).toISOString()),
  ]);
  const [preparation, started] = await Promise.allSettled([prepared, start()]);
  if (preparation.status === 'rejected' || started.status === 'rejected') {
    if (started.status === 'fulfilled') await started.value.kill();
    await env.stop();
    await storage.stop();
    throw preparation.status === 'rejected' ? preparation.reason : (started as PromiseRejectedResult).reason;
  }
  host = started.value;
  // The subscription exists and the first sweep has read the inbox.
  await fetch(`${host.url}/admin/functions/maintainSubscription`, { method: 'POST' });
  await fetch(`${host.url}/admin/functions/sweepInbox`, { method: 'POST' });

  if (env.tenant.behaviour.mailboxSubscriptionsNeedTenantWideMailRead) sweepDelivered(env, () => stack.invokeTimer('sweepInbox'));

  const stack: Stack = {
    storage,
    env,
    get host() {
      return host as SpawnedHost;
    },
    settings,
    logs,
    waitForLog(predicate, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = (): boolean => {
          const found = logs.find(predicate);
          if (found) {
            waiters.delete(wake);
            clearTimeout(timer);
            resolve(found);
          }
          return Boolean(found);
        };
        const wake = (): void => void check();
        const timer = setTimeout(() => {
          waiters.delete(wake);
          reject(new Error(`No matching log line within ${timeoutMs} ms. Last lines:\n${logs.slice(-15).map((line) => JSON.stringify(line)).join('\n')}`));
        }, timeoutMs);
        if (!check()) waiters.add(wake);
      });
    },
    async restartHost(mode = 'crash') {
      if (mode === 'crash') await host?.kill();
      else await host?.stop();
      host = await start();
    },
    async invokeTimer(name) {
      const response = await fetch(`${(host as SpawnedHost).url}/admin/functions/${name}`, { method: 'POST' });
      if (!response.ok) throw new Error(`Invoking ${name} failed with ${response.status}`);
    },
    async addInstance() {
      const instance = await start(0);
      extraInstances.push(instance);
      return instance;
    },
    async stop() {
      await Promise.all(extraInstances.map((instance) => instance.stop()));
      await host?.stop();
      await env.stop();
      await storage.stop();
    },
  };
  return stack;
}
