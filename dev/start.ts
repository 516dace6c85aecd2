import { parseArgs } from 'node:util';
import { startEmulator } from '../emulator/server.js';
import { loadDevTenant } from '../emulator/tenant.js';
import { ensureDevCertificates, trustBundle } from '../emulator/tls.js';
import { startAzurite } from './storage-emulator.js';
import { spawnLocalHost } from './functions-host/spawn-host.js';
import { runDemo } from './demo.js';
import { EmulatorClient } from './emulator-client.js';
import { join } from 'node:path';
import { embeddedTenantSettings, projectRoot, readLocalSettings } from './local-settings.js';
import { sampleDirectoryArgs, weqsCommand } from './weqs-command.js';
import { describeStartFailure } from './start-failure.js';

/**
 * `npm start`: Azurite, the Microsoft 365 emulator with the embedded tenant, and the local
 * Functions host running weqs; then the inbox subscription is created through the real webhook
 * handshake.
 */
const { values } = parseArgs({
  options: {
    'emulator-port': { type: 'string', default: '4000' },
    'host-port': { type: 'string', default: '7071' },
    // Azurite's usual ports, so that UseDevelopmentStorage=true (the example settings) reaches it.
    'storage-ports': { type: 'string', default: '10000,10001,10002' },
    'no-demo': { type: 'boolean', default: false },
    // The real calendar has no future cycle (the standard is paused); the example one has
    // invented future cycles for trying reminders and reviews locally.
    'example-calendar': { type: 'boolean', default: false },
  },
});
const calendarFile = values['example-calendar']
  ? join(projectRoot, 'config', 'examples', 'review-calendar.example.json')
  : join(projectRoot, 'config', 'review-calendar.json');
const calendarDescription = values['example-calendar']
  ? 'the EXAMPLE review calendar (config/examples/review-calendar.example.json): invented future cycles, not published dates'
  : 'the real review calendar (config/review-calendar.json): only cycles the standard\'s owners published; use --example-calendar for invented future cycles';
console.log(`Review calendar: ${calendarDescription}.`);

const started: (() => Promise<void>)[] = [];
/** One step of the start; a failure stops what was started and says what failed and what to do. */
async function step<T>(description: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    console.error(describeStartFailure(description, error));
    for (const stopIt of started.reverse()) await stopIt().catch(() => undefined);
    process.exit(1);
  }
}

const certificates = await ensureDevCertificates();
const tenant = await loadDevTenant();
console.log('Starting Azurite (in memory, telemetry off)...');
const [blob = 10000, queue = 10001, table = 10002] = values['storage-ports'].split(',').map(Number);
const storage = await step(`start Azurite on ports ${values['storage-ports']}`, () => startAzurite({ ports: { blob, queue, table } }));
started.push(() => storage.stop());
const emulator = await step(`start the Microsoft 365 emulator on port ${values['emulator-port']}`, () => startEmulator({ tenant, certificates, port: Number(values['emulator-port']) }));
started.push(() => emulator.stop());
const hostUrl = `http://127.0.0.1:${values['host-port']}`;
const settings = embeddedTenantSettings(await readLocalSettings(), {
  emulatorUrl: emulator.url,
  webhookUrl: emulator.webhookUrl('staff-channel'),
  storage: storage.connectionString,
  hostUrl,
});
const processEnv = { ...settings, NODE_EXTRA_CA_CERTS: await trustBundle(certificates) };
console.log('Preparing the tenant: Applications list columns and the sample organisation directory...');
await step('prepare the tenant (npm run weqs -- setup)', () => weqsCommand(processEnv, ['setup']));
await step('import the review calendar', () => weqsCommand(processEnv, ['calendar', 'import', '--file', calendarFile]));
await step('import the sample organisation directory', () => weqsCommand(processEnv, sampleDirectoryArgs()));
const calendarSummary = await step('read the review calendar back', () => weqsCommand(processEnv, ['calendar', 'show']));
console.log('Starting the local Functions host...');
const host = await step(`start the local Functions host on port ${values['host-port']}`, () =>
  spawnLocalHost({
    env: { ...processEnv, WEQS_LOG_FORMAT: 'pretty' },
    port: Number(values['host-port']),
    onOutput: (text) => process.stdout.write(text),
  }),
);
started.push(() => host.stop());
await step('create the inbox subscription', async () => {
  const subscribed = await fetch(`${host.url}/admin/functions/maintainSubscription`, { method: 'POST' });
  if (!subscribed.ok) throw new Error(`the local host's maintainSubscription answered ${subscribed.status}; its log above says why`);
});
const subscriptions = emulator.context.subscriptions.list();

const inbox = settings.WEQS_INBOX_ADDRESS ?? '';
console.log(`
weqs is running against the embedded Microsoft 365 tenant.

  Tenant console     ${emulator.url}/  (what staff see in Outlook, SharePoint and Teams; send test emails)
  Functions host     ${host.url}/api  (notifications: ${settings.WEQS_NOTIFICATION_URL})
  Microsoft 365      ${emulator.url}  (Graph ${emulator.url}/v1.0, state ${emulator.url}/_emulator/state)
  Azure Storage      Azurite on 127.0.0.1 (blob ${storage.ports.blob}, queue ${storage.ports.queue}, table ${storage.ports.table})
  Inbox              ${inbox}  (${subscriptions.length} change-notification subscription)

  Review calendar    ${calendarDescription}
${calendarSummary.split('\n').map((line) => `  ${line.trim()}`).join('\n')}

Preview a review-calendar job (nothing is sent): npm run weqs -- reminders --as-of 2027-04-20 --dry-run
(with the real calendar no cycle is published, so there is nothing to remind about: start with --example-calendar to try it)
(other jobs: close-cycle, decisions, information-requests, awards, calendar, digest; npm run weqs -- help)

Send a request email from another terminal:
  npm run send -- --from jo.bloggs@northshire.nhs.example --subject "Work Experience Quality Standard – Northshire Hospitals NHS Foundation Trust"

Press Ctrl+C to stop.
`);

if (!values['no-demo']) {
  await runDemo(new EmulatorClient(emulator.url, certificates.caCertPath), storage.connectionString, (line) => console.log(line));
  console.log(`See the emails, the folder and the cards side by side in the tenant console: ${emulator.url}/\n`);
}

let stopping = false;
const stop = async (): Promise<void> => {
  if (stopping) return;
  stopping = true;
  console.log('\nStopping...');
  await host.stop();
  await emulator.stop();
  await storage.stop();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
