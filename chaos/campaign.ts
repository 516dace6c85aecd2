import type { EmulatorState, InboundEmail } from '../dev/emulator-client.js';
import { seededRandom } from '../emulator/faults.js';
import type { FaultRuleInput } from '../emulator/faults.js';
import { loadConfig } from '../src/config.js';
import { createRuntime } from '../src/runtime.js';
import type { Runtime } from '../src/runtime.js';
import { InboundLedger } from '../src/storage/inbound-ledger.js';
import { Tables } from '../src/storage/tables.js';
import { checkIntents } from './intent-check.js';
import type { IntentCheck } from './intent-check.js';
import { rowsOf, runReviewPhase, staffDecide } from './review-phase.js';
import type { ReviewPhaseReport } from './review-phase.js';
import { isStorageFaultProxy, startStorageFaultProxy } from './storage-fault-proxy.js';
import type { StorageFaultKind } from './storage-fault-proxy.js';
import type { Stack, StackOptions } from '../test/support/stack.js';
import { sleep } from '../src/resilience/retry.js';

/**
 * Short waits, so a run is not mostly waiting: the timings below are settings whose production
 * values (src/config.ts) are minutes or tens of seconds. The invariants are untouched: the emulator
 * still files Sent Items copies 2 s after a send, which the 6 s settle time must outlast, and the
 * sending rate keeps its shape (weqs's cap below the mailbox's), only scaled up twenty times.
 */
/** Two deadline reminders a cycle (production: 28, 14, 7 and 1 days), to keep a run short. */
export const chaosReminderDays = [14, 1];

export const chaosStackOptions: StackOptions = {
  directory: 'sample',
  leaseMs: 2000,
  retryDelayMs: 500,
  tuning: { sendLimitPerMinute: 600 },
  wrapStorage: startStorageFaultProxy,
  // The stack's own short waits (test/support/stack.ts) apply: Sent Items settle 6 s, deferrals 2-5 s.
  settings: {
    WEQS_DEADLINE_REMINDER_DAYS: chaosReminderDays.join(','),
    WEQS_SWEEP_GRACE_SECONDS: '5',
    WEQS_MAILBOX_SEND_LIMIT_PER_MINUTE: '600',
    WEQS_SEND_RATE_PER_MINUTE: '500',
  },
};

/**
 * One chaos run: a seeded mix of inbound email (new organisations, second requests from other
 * people, unrelated mail) delivered while Graph writes fail at random, a worker crashes and
 * change notifications get lost; then the faults stop and the system must converge. The
 * invariants are checked from the emulator's state and the inbound ledger.
 */
export interface ChaosOptions {
  seed: number;
  emails: number;
  /** Share of Graph writes (POST, PATCH, PUT, DELETE, and steps inside $batch) that fail. */
  writeFaultRate: number;
  /** Share of storage writes (queues, tables, blobs) that fail, before or after the write. */
  storageFaultRate: number;
  /** Share of Teams webhook posts that fail (before or after the card is posted) or are throttled. */
  webhookFaultRate: number;
  /** Kill the Functions host once, halfway through delivery, and start a new one. */
  crash: boolean;
  /** Share of change notifications dropped (the inbox sweep must find those emails). */
  lostNotificationRate: number;
  /** Share of change notifications delivered twice. */
  duplicateNotificationRate: number;
  /** Run the review jobs (reminders, cycle close, decisions) under faults after the requests. */
  reviewJobs: boolean;
  /** How many of the run's applications go through the review jobs (staff withdraw the others). */
  reviewApplications?: number;
  convergeTimeoutMs: number;
  /** Where to say how the run is going (the campaign prints it; the test does not). */
  progress?: (line: string) => void;
}

export type GraphFaultKind = '503 after applied' | '503 before applied' | '429 Retry-After' | 'hang after applied' | 'latency';
export type WebhookFaultKind = 'webhook 502 after posted' | 'webhook 503 before posted' | 'webhook 429';
export type FaultKind = GraphFaultKind | WebhookFaultKind | StorageFaultKind;
export const faultKinds: FaultKind[] = [
  '503 after applied', '503 before applied', '429 Retry-After', 'hang after applied', 'latency',
  '503 before write', '500 after write', 'reset before write', 'reset after write', 'storage latency',
  'webhook 502 after posted', 'webhook 503 before posted', 'webhook 429',
];

export interface ChaosReport {
  seed: number;
  emails: number;
  faults: Record<FaultKind, number>;
  crashes: number;
  droppedNotifications: number;
  duplicatedNotifications: number;
  /** Replies, folders, list items and emails per intent beyond the first. */
  duplicates: number;
  /** Missing replies, folders, list items, review emails, and emails without a recorded outcome. */
  losses: number;
  /** New-application cards posted more than once: a webhook has no idempotency (see docs/reliability.md). */
  staffCardRepeats: number;
  problems: string[];
  /** From the faults' end to the last email's outcome. */
  convergeMs: number;
  review?: ReviewPhaseReport;
  intents: IntentCheck;
  wallMs: number;
  /** The fault rules, to replay a run that broke an invariant. */
  schedule: { graph: FaultRuleInput[]; storage: { writeRate: number; latencyRate: number; latencyMs: number; seed: number } };
}


interface Delivery {
  kind: 'new' | 'second' | 'unrelated';
  organisation?: string;
  email: InboundEmail;
}

/** 60 % new organisations, 20 % second requests for them from other senders, 20 % unrelated. */
function workload(options: ChaosOptions, random: () => number): Delivery[] {
  const run = `Chaos${options.seed}`;
  const fresh = Math.round(options.emails * 0.6);
  const second = Math.round(options.emails * 0.2);
  const unrelated = options.emails - fresh - second;
  const name = (i: number): string => `${run} Community Care Partnership ${String(i).padStart(4, '0')}`;
  const domain = (i: number): string => `${run.toLowerCase()}-${i}.nhs.example`;
  const all: Delivery[] = [
    ...Array.from({ length: fresh }, (_, i): Delivery => ({ kind: 'new', organisation: name(i), email: { from: { name: `Applicant ${i}`, address: `applicant${i}@${domain(i)}` }, subject: `Work Experience Quality Standard – ${name(i)}` } })),
    ...Array.from({ length: second }, (_, i): Delivery => ({ kind: 'second', organisation: name(i), email: { from: { address: `colleague${i}@${domain(i)}` }, subject: `RE: work experience quality standard - ${name(i).toUpperCase()}` } })),
    ...Array.from({ length: unrelated }, (_, i): Delivery => ({ kind: 'unrelated', email: { from: { address: `person${i}@${run.toLowerCase()}.school.example` }, subject: `Question about placements, week ${i}` } })),
  ];
  // A second request must not arrive before the first of its organisation: keep their order, shuffle the rest in.
  const keyed = all.map((delivery, index) => ({ delivery, key: delivery.kind === 'second' ? 1 + random() : random() * (delivery.kind === 'new' ? 1 : 2), index }));
  return keyed.sort((a, b) => a.key - b.key || a.index - b.index).map((entry) => entry.delivery);
}

/**
 * The Graph and webhook fault rules of one fault period: each write method, each kind, with its own
 * seed derived from the run's and the period's (`salt`).
 */
export function faultSchedule(options: ChaosOptions, period = 0): { rule: FaultRuleInput; kind: GraphFaultKind | WebhookFaultKind }[] {
  const shares: [GraphFaultKind, number, Omit<FaultRuleInput, 'path' | 'method'>][] = [
    ['503 after applied', 0.35, { status: 503, afterApply: true }],
    ['503 before applied', 0.2, { status: 503 }],
    ['429 Retry-After', 0.3, { status: 429, retryAfterSeconds: 1 }],
    ['hang after applied', 0.15, { hang: true, hangMs: 2_000, afterApply: true }],
  ];
  const rules: { rule: FaultRuleInput; kind: GraphFaultKind | WebhookFaultKind }[] = [];
  const base = options.seed * 101 + period * 10_007;
  let salt = 0;
  // Rules are tried in order and each draws its own number: rescale so the total is the rate.
  const add = <K extends GraphFaultKind | WebhookFaultKind>(rate: number, kinds: [K, number, Omit<FaultRuleInput, 'path' | 'method'>][], method: string, path: string): void => {
    let left = 1;
    for (const [kind, share, fault] of kinds) {
      const wanted = rate * share;
      const probability = Math.min(1, wanted / left);
      left -= wanted;
      salt += 1;
      rules.push({ kind, rule: { ...fault, method, path, probability, seed: base + salt } });
    }
  };
  for (const method of ['POST', 'PATCH', 'PUT', 'DELETE']) add(options.writeFaultRate, shares, method, '/v1.0/**');
  if (options.webhookFaultRate > 0) {
    add(options.webhookFaultRate, [
      ['webhook 502 after posted', 0.3, { status: 502, afterApply: true }],
      ['webhook 503 before posted', 0.3, { status: 503 }],
      ['webhook 429', 0.4, { status: 429, retryAfterSeconds: 1 }],
    ], 'POST', '/workflows/**');
  }
  rules.push({ kind: 'latency', rule: { path: '/v1.0/**', latencyMs: 150, probability: 0.2, seed: base } });
  return rules;
}

const emptyFaults = (): Record<FaultKind, number> => Object.fromEntries(faultKinds.map((kind) => [kind, 0])) as Record<FaultKind, number>;

/** Turns every fault source on and off together, and counts what each period injected. */
function faultSwitch(stack: Stack, options: ChaosOptions) {
  const control = stack.env.control;
  const proxy = isStorageFaultProxy(stack.storage) ? stack.storage : undefined;
  const faults = emptyFaults();
  const graphRules: FaultRuleInput[] = [];
  const storagePlan = { writeRate: options.storageFaultRate, latencyRate: options.storageFaultRate > 0 ? 0.05 : 0, latencyMs: 100, seed: options.seed * 7919 };
  let active: { ids: string[]; kinds: (GraphFaultKind | WebhookFaultKind)[] } | undefined;
  let period = 0;
  return {
    faults,
    schedule: () => ({ graph: graphRules, storage: storagePlan }),
    async on(): Promise<void> {
      const schedule = faultSchedule(options, period);
      graphRules.push(...schedule.map((entry) => entry.rule));
      await control.clearFaults();
      const ids = (await control.call<{ ids: string[] }>('POST', '/_emulator/faults', schedule.map((entry) => entry.rule))).ids;
      active = { ids, kinds: schedule.map((entry) => entry.kind) };
      if (proxy && options.storageFaultRate > 0) proxy.start({ ...storagePlan, seed: storagePlan.seed + period });
      period += 1;
    },
    async off(): Promise<void> {
      if (!active) return;
      const hits = (await control.call<{ value: { id: string; hits: number }[] }>('GET', '/_emulator/faults')).value;
      for (const [index, id] of active.ids.entries()) {
        const kind = active.kinds[index];
        if (kind) faults[kind] += hits.find((rule) => rule.id === id)?.hits ?? 0;
      }
      await control.clearFaults();
      if (proxy) for (const [kind, count] of Object.entries(proxy.stopFaults().byKind)) faults[kind as StorageFaultKind] += count;
      active = undefined;
    },
  };
}

function evidenceFolders(state: EmulatorState): string[] {
  const drive = state.sites[0]?.drives.find((candidate) => candidate.name === 'Application evidence');
  return (drive?.root.children ?? []).map((node) => node.name);
}

function applicationTitles(state: EmulatorState): string[] {
  return (state.sites[0]?.lists.find((list) => list.displayName === 'Applications')?.items ?? []).map((item) => String(item.fields.Title));
}

function mailTo(state: EmulatorState, address: string): EmulatorState['outbound'] {
  return state.outbound.filter((record) => record.to.some((to) => to.toLowerCase() === address.toLowerCase()));
}


let reviewRuntime: Runtime | undefined;

/** The review jobs run in this process, as `npm run weqs -- <job> --as-of` would, on the stack's settings. */
function runtimeFor(stack: Stack): Runtime {
  reviewRuntime ??= createRuntime(loadConfig({ ...stack.settings, WEQS_LOG_LEVEL: 'silent' }));
  return reviewRuntime;
}

export async function runChaos(stack: Stack, options: ChaosOptions): Promise<ChaosReport> {
  const began = Date.now();
  const random = seededRandom(options.seed);
  const deliveries = workload(options, random);
  const proxy = isStorageFaultProxy(stack.storage) ? stack.storage : undefined;
  // The checker reads storage directly, never through the fault proxy.
  const directTables = new Tables({ connectionString: proxy?.direct.connectionString ?? stack.storage.connectionString });
  const ledger = new InboundLedger(directTables, 0);
  const control = stack.env.control;
  const outboundNow = async (): Promise<EmulatorState['outbound']> => (await control.call<{ value: EmulatorState['outbound'] }>('GET', '/_emulator/outbound')).value;
  const outboundFrom = (await outboundNow()).length;
  const teamsFrom = (await control.state()).teams.length;

  const switcher = faultSwitch(stack, options);
  await switcher.on();
  const dropped = Math.round(options.emails * options.lostNotificationRate);
  if (dropped > 0) await control.call('POST', '/_emulator/notifications/drop', { count: dropped });
  const duplicated = Math.round(options.emails * options.duplicateNotificationRate);
  if (duplicated > 0) await control.call('POST', '/_emulator/notifications/duplicate', { count: duplicated, afterMs: 1500 });

  const delivered: (Delivery & { id: string; internetMessageId: string })[] = [];
  let crashes = 0;
  for (let index = 0; index < deliveries.length; index += 8) {
    const batch = deliveries.slice(index, index + 8);
    delivered.push(...(await Promise.all(batch.map(async (delivery) => ({ ...delivery, ...(await control.deliver(delivery.email)) })))));
    if (options.crash && crashes === 0 && index + 8 >= deliveries.length / 2) {
      await sleep(500 + Math.floor(random() * 1500));
      await stack.restartHost('crash');
      crashes += 1;
    }
  }
  // The faults stay on until half the emails have their outcome (or 90 s), then stop.
  const faultsUntil = Date.now() + 90_000;
  for (;;) {
    let done = 0;
    for (const delivery of delivered) if ((await ledger.get(InboundLedger.keyFor(delivery.internetMessageId)))?.state === 'done') done += 1;
    if (done * 2 >= delivered.length || Date.now() > faultsUntil) break;
    await sleep(1_000);
  }
  await switcher.off();
  const stopped = Date.now();
  await stack.invokeTimer('sweepInbox');

  const unfinished = new Set(delivered.map((delivery) => delivery.internetMessageId));
  const deadline = stopped + options.convergeTimeoutMs;
  let lastSweep = Date.now();
  while (unfinished.size > 0 && Date.now() < deadline) {
    for (const internetMessageId of [...unfinished]) {
      if ((await ledger.get(InboundLedger.keyFor(internetMessageId)))?.state === 'done') unfinished.delete(internetMessageId);
    }
    if (unfinished.size === 0) break;
    // The sweep, on its timer in Azure, picks up emails whose notification was lost.
    if (Date.now() - lastSweep > 5_000) {
      await stack.invokeTimer('sweepInbox');
      lastSweep = Date.now();
    }
    await sleep(1_000);
  }
  const convergeMs = Date.now() - stopped;
  options.progress?.(`${new Date().toISOString().slice(11, 19)} seed ${options.seed}: requests converged in ${(convergeMs / 1000).toFixed(1)} s${unfinished.size > 0 ? `, ${unfinished.size} without an outcome` : ''}`);

  const state = await control.state();
  const problems: string[] = [];
  let duplicates = 0;
  let losses = unfinished.size;
  if (unfinished.size > 0) problems.push(`${unfinished.size} emails have no recorded outcome after ${options.convergeTimeoutMs} ms`);
  const folders = evidenceFolders(state);
  const titles = applicationTitles(state);
  // Card text is escaped for Teams' markdown (WEQS\-2026\-0001): compare without the escapes.
  const newCards = state.teams.slice(teamsFrom).map((post) => JSON.stringify(post.card).replaceAll('\\\\', '')).filter((card) => card.includes('New application'));
  let staffCardRepeats = 0;
  for (const delivery of delivered) {
    const replies = mailTo(state, delivery.email.from.address).length;
    if (delivery.kind === 'unrelated') {
      if (replies > 0) problems.push(`unrelated sender ${delivery.email.from.address} got ${replies} emails`);
      duplicates += replies;
      continue;
    }
    if (replies > 1) problems.push(`${delivery.email.from.address} got ${replies} replies`);
    if (replies === 0) {
      const record = await ledger.get(InboundLedger.keyFor(delivery.internetMessageId));
      problems.push(`${delivery.email.from.address} got no reply (its email ended '${record?.outcome ?? record?.state ?? 'unknown'}': ${record?.detail ?? ''})`);
    }
    duplicates += Math.max(0, replies - 1);
    losses += replies === 0 ? 1 : 0;
    if (delivery.kind === 'new' && delivery.organisation) {
      // Whichever of two senders claims the organisation first names it, in their spelling.
      const same = (name: string): boolean => name.toLowerCase() === delivery.organisation?.toLowerCase();
      const folderCount = folders.filter(same).length;
      const itemCount = titles.filter(same).length;
      if (folderCount !== 1) problems.push(`${delivery.organisation} has ${folderCount} folders`);
      if (itemCount !== 1) problems.push(`${delivery.organisation} has ${itemCount} list items`);
      duplicates += Math.max(0, folderCount - 1) + Math.max(0, itemCount - 1);
      losses += (folderCount === 0 ? 1 : 0) + (itemCount === 0 ? 1 : 0);
      const reference = rowsOf(state, new Set([delivery.organisation.toLowerCase()]))[0]?.reference;
      const cards = reference ? newCards.filter((card) => card.includes(reference)).length : 0;
      if (cards === 0) problems.push(`${delivery.organisation} has no new-application card for staff`);
      losses += cards === 0 ? 1 : 0;
      staffCardRepeats += Math.max(0, cards - 1);
    }
  }

  let review: ReviewPhaseReport | undefined;
  if (options.reviewJobs && unfinished.size === 0) {
    const runtime = runtimeFor(stack);
    const organisations = new Set(delivered.filter((delivery) => delivery.kind === 'new').map((delivery) => (delivery.organisation ?? '').toLowerCase()));
    const rows = await staffDecide(runtime, rowsOf(state, organisations), options.reviewApplications ?? 20);
    review = await runReviewPhase(stack, runtime, rows, {
      reminderDays: chaosReminderDays,
      outboundFrom: (await outboundNow()).length,
      tables: directTables,
      convergeTimeoutMs: options.convergeTimeoutMs,
      faultsOn: () => switcher.on(),
      faultsOff: () => switcher.off(),
      ...(options.progress ? { progress: options.progress } : {}),
    });
    problems.push(...review.problems);
    duplicates += review.duplicates;
    losses += review.losses;
  }

  // Every email of the run, requests and jobs alike: one per intent, each with its outcome recorded.
  const intents = await checkIntents((await outboundNow()).slice(outboundFrom), directTables);
  problems.push(...intents.problems);
  duplicates += intents.duplicates;
  losses += intents.unrecorded;

  return {
    seed: options.seed,
    emails: delivered.length,
    faults: switcher.faults,
    crashes,
    droppedNotifications: dropped,
    duplicatedNotifications: duplicated,
    duplicates,
    losses,
    staffCardRepeats,
    problems,
    convergeMs,
    ...(review ? { review } : {}),
    intents,
    wallMs: Date.now() - began,
    schedule: switcher.schedule(),
  };
}
