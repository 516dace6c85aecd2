import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startAzurite } from '../dev/storage-emulator.js';
import { EmulatorClient } from '../dev/emulator-client.js';
import type { EmulatorState, InboundEmail, RequestLogEntry } from '../dev/emulator-client.js';
import { spawnLocalHost } from '../dev/functions-host/spawn-host.js';
import { embeddedTenantSettings, projectRoot, readLocalSettings } from '../dev/local-settings.js';
import { sampleDirectoryArgs, weqsCommand } from '../dev/weqs-command.js';
import { startEmulator } from '../emulator/server.js';
import { loadDevTenant } from '../emulator/tenant.js';
import { devDirectory, ensureDevCertificates, trustBundle } from '../emulator/tls.js';
import { bundleLocalHost } from '../scripts/bundle.js';
import { coldStartScenario } from './cold-start.js';
import { InboundLedger } from '../src/storage/inbound-ledger.js';
import { Tables } from '../src/storage/tables.js';
import { sleep } from '../src/resilience/retry.js';

/**
 * `npm run bench`: the request pipeline against the emulator with a configurable latency per Graph
 * call. Prints figures; it is not a test. Scenarios:
 *   latency  a burst of distinct requests mixed with duplicates and unrelated mail, send cap lifted
 *   cap      the send cap as the bottleneck (Exchange's 30 a minute, weqs's 25)
 *   large    a 1,000-email burst, for throughput and the host's peak memory
 *   cold-start  the deployment bundle's module load against a bare @azure/functions import
 */
const { values } = parseArgs({
  options: {
    scenario: { type: 'string', default: 'all' },
    /** The worker's Node options; infra sets the same through languageWorkers__node__arguments. */
    'node-args': { type: 'string', default: '--max-old-space-size=96 --max-semi-space-size=2' },
    latency: { type: 'string', default: '100' },
    burst: { type: 'string', default: '60' },
    'cap-burst': { type: 'string', default: '40' },
    large: { type: 'string', default: '1000' },
  },
});

const latencyMs = Number(values.latency);
// The host runs from a bundle with plain Node, as the deployed app does (tsx alone costs ~100 MB).
const hostBundle = await bundleLocalHost(join(devDirectory(), 'bench'));

interface BenchStack {
  emulator: Awaited<ReturnType<typeof startEmulator>>;
  control: EmulatorClient;
  ledger: InboundLedger;
  hostPid: number;
  stop(): Promise<void>;
}

async function startBenchStack(options: { latencyMs: number; mailboxLimit: number; cap: number }): Promise<BenchStack> {
  const certificates = await ensureDevCertificates();
  const storage = await startAzurite();
  const emulator = await startEmulator({ tenant: await loadDevTenant(), certificates, tuning: { sendLimitPerMinute: options.mailboxLimit } });
  const hostPort = 7400 + Math.floor(Math.random() * 500);
  const settings = {
    ...embeddedTenantSettings(await readLocalSettings(), { emulatorUrl: emulator.url, webhookUrl: emulator.webhookUrl('staff-channel'), storage: storage.connectionString, hostUrl: `http://127.0.0.1:${hostPort}` }),
    WEQS_MAILBOX_SEND_LIMIT_PER_MINUTE: String(options.mailboxLimit),
    WEQS_SEND_RATE_PER_MINUTE: String(options.cap),
    WEQS_LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
    WEQS_HOST_JSON: join(projectRoot, 'host.json'),
    NODE_EXTRA_CA_CERTS: await trustBundle(certificates),
  };
  await weqsCommand(settings, ['setup']);
  await weqsCommand(settings, sampleDirectoryArgs());
  const host = await spawnLocalHost({ env: settings, port: hostPort, timers: false, bundle: hostBundle, nodeArguments: values['node-args'].split(/\s+/).filter(Boolean), onOutput: (text) => { if (process.env.BENCH_HOST_LOG) appendFileSync(process.env.BENCH_HOST_LOG, text); } });
  await fetch(`${host.url}/admin/functions/maintainSubscription`, { method: 'POST' });
  const control = new EmulatorClient(emulator.url, certificates.caCertPath);
  if (options.latencyMs > 0) await control.addFaults({ path: '/v1.0/**', latencyMs: options.latencyMs });
  // Only what the workload does is measured.
  await control.call('GET', '/_emulator/requests');
  return {
    emulator,
    control,
    ledger: new InboundLedger(new Tables({ connectionString: storage.connectionString }), 0),
    hostPid: host.child.pid ?? 0,
    async stop() {
      await host.stop();
      await emulator.stop();
      await storage.stop();
    },
  };
}

/** Peak resident memory of a process, from /proc (Linux). */
function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

interface Workload {
  requests: { email: InboundEmail; organisation: string }[];
  duplicates: { email: InboundEmail; organisation: string }[];
  unrelated: { email: InboundEmail }[];
}

function workload(distinct: number, run: string): Workload {
  const name = (i: number): string => `${run} Community Care Partnership ${String(i).padStart(4, '0')}`;
  const requests = Array.from({ length: distinct }, (_, i) => ({
    organisation: name(i),
    email: { from: { name: `Applicant ${i}`, address: `applicant${i}@${run.toLowerCase()}${i}.nhs.example` }, subject: `Work Experience Quality Standard – ${name(i)}` },
  }));
  const duplicates = Array.from({ length: Math.round(distinct / 3) }, (_, i) => ({
    organisation: name(i),
    email: { from: { address: `colleague${i}@${run.toLowerCase()}${i}.nhs.example` }, subject: `RE: work experience quality standard - ${name(i).toUpperCase()}` },
  }));
  const unrelated = Array.from({ length: Math.round(distinct / 3) }, (_, i) => ({ email: { from: { address: `person${i}@school.example` }, subject: `Question about placements, week ${i}` } }));
  return { requests, duplicates, unrelated };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

/** The longest chain of requests that ran one after another: the critical path in round trips. */
function sequentialRoundTrips(entries: RequestLogEntry[]): number {
  const intervals = entries.map((entry) => ({ start: Date.parse(entry.time), end: Date.parse(entry.time) + entry.durationMs })).sort((a, b) => a.end - b.end);
  let count = 0;
  let lastEnd = Number.NEGATIVE_INFINITY;
  for (const interval of intervals) {
    if (interval.start >= lastEnd) {
      count += 1;
      lastEnd = interval.end;
    }
  }
  return count;
}

const isGraph = (entry: RequestLogEntry): boolean => entry.path.startsWith('/v1.0/');

async function waitForOutcomes(stack: BenchStack, expected: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const done = (await stack.ledger.all()).filter((record) => record.state === 'done').length;
    if (done >= expected) return;
    if (Date.now() > deadline) throw new Error(`only ${done} of ${expected} emails finished in time`);
    await sleep(1000);
  }
}

function checkInvariants(state: EmulatorState, load: Workload, unrelatedIds: string[]): string[] {
  const problems: string[] = [];
  const rows = state.sites[0]?.lists.find((list) => list.displayName === 'Applications')?.items ?? [];
  const keys = rows.map((row) => String(row.fields.OrganisationKey));
  if (new Set(keys).size !== keys.length) problems.push('an organisation has more than one application');
  if (rows.length !== load.requests.length) problems.push(`expected ${load.requests.length} applications, found ${rows.length}`);
  for (const item of [...load.requests, ...load.duplicates]) {
    const replies = state.outbound.filter((mail) => mail.to.includes(item.email.from.address));
    if (replies.length !== 1) problems.push(`${item.email.from.address} got ${replies.length} replies`);
  }
  const inbox = state.mailboxes[0]?.folders.inbox ?? [];
  for (const id of unrelatedIds) {
    const message = inbox.find((candidate) => candidate.id === id);
    if (!message || message.categories.length > 0 || message.isRead) problems.push(`unrelated message ${id} was changed`);
  }
  const bounced = state.outbound.filter((mail) => mail.status === 'bounced').length;
  if (bounced > 0) problems.push(`${bounced} messages bounced for exceeding the sending rate`);
  return problems;
}

async function deliverAll(stack: BenchStack, load: Workload): Promise<{ sentAt: Map<string, number>; unrelatedIds: string[]; started: number }> {
  const sentAt = new Map<string, number>();
  const unrelatedIds: string[] = [];
  const started = Date.now();
  const all = [...load.requests.map((item) => ({ ...item, kind: 'request' })), ...load.duplicates.map((item) => ({ ...item, kind: 'duplicate' })), ...load.unrelated.map((item) => ({ ...item, kind: 'unrelated' }))];
  // Interleaved, as a real inbox receives them; delivered eight at a time.
  all.sort((a, b) => a.email.subject.length - b.email.subject.length || a.email.from.address.localeCompare(b.email.from.address));
  for (let index = 0; index < all.length; index += 8) {
    await Promise.all(
      all.slice(index, index + 8).map(async (item) => {
        const at = Date.now();
        const { id, internetMessageId } = await stack.control.deliver(item.email);
        sentAt.set(internetMessageId, at);
        if (item.kind === 'unrelated') unrelatedIds.push(id);
      }),
    );
  }
  return { sentAt, unrelatedIds, started };
}

async function latencyScenario(): Promise<void> {
  const distinct = Number(values.burst);
  console.log(`\n## Burst: ${distinct} distinct requests, ${Math.round(distinct / 3)} duplicates, ${Math.round(distinct / 3)} unrelated; ${latencyMs} ms per Graph call; send cap lifted`);
  const stack = await startBenchStack({ latencyMs, mailboxLimit: 100_000, cap: 60_000 });
  try {
    // Warm: a cold host first resolves the site, loads the directory and gets a token.
    const warm = workload(1, 'Warmup').requests[0];
    const coldAt = Date.now();
    if (warm) {
      const { internetMessageId } = await stack.control.deliver(warm.email);
      await waitForOutcomes(stack, 1, 60_000);
      const reply = (await stack.control.state()).outbound.find((mail) => mail.inReplyTo === internetMessageId);
      console.log(`first request on a cold host: reply after ${reply ? Date.parse(reply.submittedAt) - coldAt : Number.NaN} ms`);
    }
    await stack.control.call('GET', '/_emulator/requests');
    const logStart = (await stack.control.requests()).value.length;
    const load = workload(distinct, 'Burst');
    const { sentAt, unrelatedIds, started } = await deliverAll(stack, load);
    const total = load.requests.length + load.duplicates.length + load.unrelated.length + 1;
    await waitForOutcomes(stack, total, 10 * 60_000);
    const finished = Date.now();
    const state = await stack.control.state();
    const latencies = state.outbound.flatMap((mail) => (mail.inReplyTo && sentAt.has(mail.inReplyTo) ? [Date.parse(mail.submittedAt) - (sentAt.get(mail.inReplyTo) ?? 0)] : []));
    const log = (await stack.control.requests()).value.slice(logStart).filter(isGraph);
    console.log(`notification-to-reply latency: p50 ${percentile(latencies, 50)} ms, p95 ${percentile(latencies, 95)} ms, max ${Math.max(...latencies)} ms (${latencies.length} replies)`);
    console.log(`applications per minute: ${((load.requests.length / (finished - started)) * 60_000).toFixed(1)}`);
    console.log(`Graph requests in the burst: ${log.length} (${log.reduce((sum, entry) => sum + (entry.batch?.length ?? 0), 0)} more inside $batch)`);
    const problems = checkInvariants(state, { ...load, requests: [...load.requests, ...(warm ? [warm] : [])] }, unrelatedIds);
    console.log(problems.length === 0 ? 'invariants: one application per organisation, one reply per request, unrelated mail untouched, no bounce — all hold' : `INVARIANTS BROKEN:\n  ${problems.join('\n  ')}`);

    // One request on its own shows the cost of a provisioned application exactly.
    await stack.control.call('GET', '/_emulator/requests');
    const before = (await stack.control.requests()).value.length;
    const single = workload(1, 'Single').requests[0];
    if (!single) return;
    const at = Date.now();
    const { internetMessageId } = await stack.control.deliver(single.email);
    await waitForOutcomes(stack, total + 1, 60_000);
    const alone = (await stack.control.requests()).value.slice(before).filter(isGraph);
    const reply = (await stack.control.state()).outbound.find((mail) => mail.inReplyTo === internetMessageId);
    console.log(`one application alone: ${alone.length} Graph requests (${alone.reduce((sum, entry) => sum + (entry.batch?.length ?? 0), 0)} steps inside $batch), ${sequentialRoundTrips(alone)} sequential round trips, reply after ${reply ? Date.parse(reply.submittedAt) - at : Number.NaN} ms`);
    for (const entry of alone) console.log(`    ${entry.method.padEnd(6)} ${entry.path.replace(/\?.*$/, '').replace(/AAMkAD[\w-]+=*/g, '{message}').replace(/b![\w-]+/g, '{drive}').slice(0, 90)}${entry.batch ? ` [${entry.batch.length} steps]` : ''}`);
  } finally {
    await stack.stop();
  }
}

async function capScenario(): Promise<void> {
  const distinct = Number(values['cap-burst']);
  console.log(`\n## Send cap as the bottleneck: ${distinct} distinct requests at once; mailbox limit 30 a minute, weqs cap 25; ${latencyMs} ms per Graph call`);
  const stack = await startBenchStack({ latencyMs, mailboxLimit: 30, cap: 25 });
  try {
    const load = { ...workload(distinct, 'Capped'), duplicates: [], unrelated: [] };
    await deliverAll(stack, load);
    await waitForOutcomes(stack, distinct, 15 * 60_000);
    const state = await stack.control.state();
    const sends = state.outbound.map((mail) => Date.parse(mail.submittedAt)).sort((a, b) => a - b);
    const spanMinutes = ((sends.at(-1) ?? 0) - (sends[0] ?? 0)) / 60_000;
    const perMinute = (sends.length - 1) / spanMinutes;
    console.log(`sent ${sends.length} replies in ${spanMinutes.toFixed(2)} min: ${perMinute.toFixed(2)} a minute, ${((perMinute / 25) * 100).toFixed(1)} % of the cap; bounced ${state.outbound.filter((mail) => mail.status === 'bounced').length}`);
    const problems = checkInvariants(state, load, []);
    console.log(problems.length === 0 ? 'invariants hold' : `INVARIANTS BROKEN:\n  ${problems.join('\n  ')}`);
  } finally {
    await stack.stop();
  }
}

async function largeScenario(): Promise<void> {
  const total = Number(values.large);
  const distinct = Math.round((total * 3) / 5);
  console.log(`\n## Large burst: ${total} emails (${distinct} requests, the rest duplicates and unrelated); ${latencyMs} ms per Graph call; send cap lifted`);
  const stack = await startBenchStack({ latencyMs, mailboxLimit: 100_000, cap: 60_000 });
  try {
    const load = workload(distinct, 'Large');
    const { unrelatedIds, started } = await deliverAll(stack, load);
    const count = load.requests.length + load.duplicates.length + load.unrelated.length;
    await waitForOutcomes(stack, count, 30 * 60_000);
    const minutes = (Date.now() - started) / 60_000;
    console.log(`${count} emails in ${minutes.toFixed(2)} min: ${(load.requests.length / minutes).toFixed(1)} applications a minute`);
    console.log(`peak RSS of the Functions host: ${peakRssMb(stack.hostPid)} MB`);
    const problems = checkInvariants(await stack.control.state(), load, unrelatedIds);
    console.log(problems.length === 0 ? 'invariants hold' : `INVARIANTS BROKEN:\n  ${problems.slice(0, 10).join('\n  ')}`);
  } finally {
    await stack.stop();
  }
}

const scenario = values.scenario;
console.log(`weqs benchmark — node ${process.version}, ${new Date().toISOString()}`);
if (scenario === 'all' || scenario === 'latency') await latencyScenario();
if (scenario === 'all' || scenario === 'cap') await capScenario();
if (scenario === 'all' || scenario === 'large') await largeScenario();
if (scenario === 'all' || scenario === 'cold-start') await coldStartScenario();
