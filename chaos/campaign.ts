import type { EmulatorState, InboundEmail } from '../dev/emulator-client.js';
import { seededRandom } from '../emulator/faults.js';
import type { FaultRuleInput } from '../emulator/faults.js';
import { InboundLedger } from '../src/storage/inbound-ledger.js';
import { Tables } from '../src/storage/tables.js';
import type { Stack } from '../test/support/stack.js';

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
  /** Kill the Functions host once, halfway through delivery, and start a new one. */
  crash: boolean;
  /** Share of change notifications dropped (the inbox sweep must find those emails). */
  lostNotificationRate: number;
  convergeTimeoutMs: number;
}

export type FaultKind = '503 after applied' | '503 before applied' | '429 Retry-After' | 'hang after applied' | 'latency';

export interface ChaosReport {
  seed: number;
  emails: number;
  faults: Record<FaultKind, number>;
  crashes: number;
  droppedNotifications: number;
  duplicates: number;
  losses: number;
  problems: string[];
  convergeMs: number;
  /** The fault rules, to replay a run that broke an invariant. */
  schedule: FaultRuleInput[];
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

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

/** The fault rules of a run: each write method, each kind, with its own seed derived from the run's. */
export function faultSchedule(options: ChaosOptions): { rule: FaultRuleInput; kind: FaultKind }[] {
  const shares: [FaultKind, number, Omit<FaultRuleInput, 'path' | 'method'>][] = [
    ['503 after applied', 0.35, { status: 503, afterApply: true }],
    ['503 before applied', 0.2, { status: 503 }],
    ['429 Retry-After', 0.3, { status: 429, retryAfterSeconds: 1 }],
    ['hang after applied', 0.15, { hang: true, hangMs: 2_000, afterApply: true }],
  ];
  const rules: { rule: FaultRuleInput; kind: FaultKind }[] = [];
  let salt = 0;
  for (const method of ['POST', 'PATCH', 'PUT', 'DELETE']) {
    // Rules are tried in order and each draws its own number: rescale so the total is the rate.
    let left = 1;
    for (const [kind, share, fault] of shares) {
      const wanted = options.writeFaultRate * share;
      const probability = Math.min(1, wanted / left);
      left -= wanted;
      salt += 1;
      rules.push({ kind, rule: { ...fault, method, path: '/v1.0/**', probability, seed: options.seed * 101 + salt } });
    }
  }
  rules.push({ kind: 'latency', rule: { path: '/v1.0/**', latencyMs: 150, probability: 0.2, seed: options.seed * 101 } });
  return rules;
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

export async function runChaos(stack: Stack, options: ChaosOptions): Promise<ChaosReport> {
  const random = seededRandom(options.seed);
  const deliveries = workload(options, random);
  const schedule = faultSchedule(options);
  const ledger = new InboundLedger(new Tables({ connectionString: stack.storage.connectionString }), 0);
  const control = stack.env.control;

  await control.clearFaults();
  const ids = (await control.call<{ ids: string[] }>('POST', '/_emulator/faults', schedule.map((entry) => entry.rule))).ids;
  const dropped = Math.round(options.emails * options.lostNotificationRate);
  if (dropped > 0) await control.call('POST', '/_emulator/notifications/drop', { count: dropped });

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
  const hits = (await control.call<{ value: { id: string; hits: number }[] }>('GET', '/_emulator/faults')).value;
  const faults = { '503 after applied': 0, '503 before applied': 0, '429 Retry-After': 0, 'hang after applied': 0, latency: 0 } as Record<FaultKind, number>;
  for (const [index, id] of ids.entries()) {
    const kind = schedule[index]?.kind;
    if (kind) faults[kind] += hits.find((rule) => rule.id === id)?.hits ?? 0;
  }
  await control.clearFaults();
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
    if (Date.now() - lastSweep > 15_000) {
      await stack.invokeTimer('sweepInbox');
      lastSweep = Date.now();
    }
    await sleep(1_000);
  }
  const convergeMs = Date.now() - stopped;

  const state = await control.state();
  const problems: string[] = [];
  let duplicates = 0;
  let losses = unfinished.size;
  if (unfinished.size > 0) problems.push(`${unfinished.size} emails have no recorded outcome after ${options.convergeTimeoutMs} ms`);
  const folders = evidenceFolders(state);
  const titles = applicationTitles(state);
  for (const delivery of delivered) {
    const replies = mailTo(state, delivery.email.from.address).length;
    if (delivery.kind === 'unrelated') {
      if (replies > 0) problems.push(`unrelated sender ${delivery.email.from.address} got ${replies} emails`);
      duplicates += replies;
      continue;
    }
    if (replies > 1) problems.push(`${delivery.email.from.address} got ${replies} replies`);
    if (replies === 0) problems.push(`${delivery.email.from.address} got no reply`);
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
    }
  }
  return { seed: options.seed, emails: delivered.length, faults, crashes, droppedNotifications: dropped, duplicates, losses, problems, convergeMs, schedule: schedule.map((entry) => entry.rule) };
}
