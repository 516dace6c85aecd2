import type { EmulatorState } from '../dev/emulator-client.js';
import { findCycle } from '../src/domain/review-calendar.js';
import { ukStartOfDay } from '../src/domain/uk-dates.js';
import type { ReviewCycle } from '../src/domain/review-calendar.js';
import type { Runtime } from '../src/runtime.js';
import { runReviewJob } from '../src/workflows/review/review-jobs.js';
import type { ReviewJobName } from '../src/workflows/review/review-jobs.js';
import type { Tables } from '../src/storage/tables.js';
import type { Stack } from '../test/support/stack.js';
import { checkIntents } from './intent-check.js';
import { sleep } from '../src/resilience/retry.js';

/**
 * The review jobs of one chaos run, on a virtual clock (the jobs' as-of time; the emulator keeps
 * real time so the inbox subscription stays alive for the next run): the run's applications get
 * their deadline reminders, staff decide a fifth of them, the cycle closes and the decisions go.
 * Each job runs twice at once (two timer runs overlapping) while faults are on; once they stop,
 * the jobs run again as their next timer would until every expected email has gone once.
 */
export interface ReviewRow {
  itemId: string;
  reference: string;
  requester: string;
  targetCycle: string;
  decided: boolean;
}

export interface ReviewPhaseReport {
  applications: number;
  decided: number;
  /** Review emails expected (reminders, rolled-over notices, decisions) and found. */
  expectedEmails: number;
  sentEmails: number;
  jobRuns: number;
  duplicates: number;
  losses: number;
  problems: string[];
  convergeMs: number;
}

const awards = ['Gold', 'Silver', 'Bronze', 'Not awarded'] as const;
const noonUk = (date: string): Date => new Date(ukStartOfDay(date).getTime() + 12 * 3_600_000);
const addDays = (date: string, days: number): string => new Date(Date.parse(`${date}T12:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/** Job runs of the phase in order: what day, which job. */
function schedule(cycle: ReviewCycle, reminderDays: readonly number[]): { at: Date; job: ReviewJobName }[] {
  return [
    ...[...reminderDays].sort((a, b) => b - a).map((days) => ({ at: noonUk(addDays(cycle.submissionDeadline, -days)), job: 'reminders' as const })),
    { at: noonUk(addDays(cycle.submissionDeadline, 1)), job: 'close-cycle' },
    { at: noonUk(cycle.decisionsOpen), job: 'decisions' },
  ];
}

/** The run's applications, as the Applications list holds them. */
export function rowsOf(state: EmulatorState, organisations: ReadonlySet<string>): Omit<ReviewRow, 'decided'>[] {
  const items = state.sites[0]?.lists.find((list) => list.displayName === 'Applications')?.items ?? [];
  return items
    .filter((item) => organisations.has(String(item.fields.Title).toLowerCase()))
    .map((item) => ({ itemId: item.id, reference: String(item.fields.Reference), requester: String(item.fields.RequesterEmail).toLowerCase(), targetCycle: String(item.fields.TargetCycle ?? '') }));
}

/**
 * Staff withdraw all but `count` of the run's applications (so each run reviews a sample, and a run
 * stays short), then decide a fifth of the rest before the deadline: in review, an award chosen,
 * ready to send.
 */
export async function staffDecide(runtime: Runtime, rows: Omit<ReviewRow, 'decided'>[], count: number): Promise<ReviewRow[]> {
  const sample = rows.slice(0, count);
  const withdrawn = rows.slice(count);
  for (let index = 0; index < withdrawn.length; index += 8) {
    await Promise.all(withdrawn.slice(index, index + 8).map((row) => runtime.applicationsList.update(row.itemId, { Status: 'Withdrawn' })));
  }
  const decidedCount = Math.round(sample.length / 5);
  const result: ReviewRow[] = [];
  for (const [index, row] of sample.entries()) {
    const decided = index < decidedCount;
    if (decided) await runtime.applicationsList.update(row.itemId, { Status: 'In review', Award: awards[index % awards.length] ?? 'Gold', DecisionReady: true });
    result.push({ ...row, decided });
  }
  return result;
}

/** Emails a row should have had once the job runs up to `step` (in schedule order) have converged. */
function expectedAfter(row: ReviewRow, steps: readonly { job: ReviewJobName }[], step: number): number {
  const done = steps.slice(0, step + 1);
  if (row.decided) return done.some((entry) => entry.job === 'decisions') ? 1 : 0;
  return done.filter((entry) => entry.job === 'reminders').length + (done.some((entry) => entry.job === 'close-cycle') ? 1 : 0);
}

function reviewMailCounts(outbound: EmulatorState['outbound'], rows: ReviewRow[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const row of rows) {
    const tail = `(${row.reference})`;
    counts.set(row.reference, outbound.filter((mail) => mail.to.some((to) => to.toLowerCase() === row.requester) && mail.subject.endsWith(tail)).length);
  }
  return counts;
}

/**
 * Each step (a reminder day, the day after the deadline, the first decision day) runs its job
 * twice at once while faults are on; then the faults stop and the job runs again, as its hourly
 * timer would later that day, until the step's emails have all gone and each has its outcome
 * recorded. Convergence is measured per step and the longest is reported.
 */
export async function runReviewPhase(
  stack: Stack,
  runtime: Runtime,
  rows: ReviewRow[],
  options: {
    reminderDays: readonly number[];
    outboundFrom: number;
    tables: Tables;
    convergeTimeoutMs: number;
    faultsOn: () => Promise<void>;
    faultsOff: () => Promise<void>;
    progress?: (line: string) => void;
  },
): Promise<ReviewPhaseReport> {
  const problems: string[] = [];
  const { cycles } = await runtime.review.calendar();
  const cycleIds = [...new Set(rows.map((row) => row.targetCycle))];
  const steps: { at: Date; job: ReviewJobName }[] = [];
  for (const id of cycleIds) {
    const cycle = findCycle(cycles, id);
    if (!cycle) problems.push(`target cycle '${id}' is not in the calendar`);
    else steps.push(...schedule(cycle, options.reminderDays));
  }
  steps.sort((a, b) => a.at.getTime() - b.at.getTime());
  let jobRuns = 0;
  const runJob = async (entry: { at: Date; job: ReviewJobName }): Promise<void> => {
    jobRuns += 1;
    // A job that fails as a whole is run again by its next timer; the convergence loop is that timer.
    await runReviewJob(entry.job, runtime.review, { now: entry.at, dryRun: false }).catch(() => undefined);
  };
  const outboundSince = async (): Promise<EmulatorState['outbound']> => (await stack.env.control.call<{ value: EmulatorState['outbound'] }>('GET', '/_emulator/outbound')).value.slice(options.outboundFrom);

  let convergeMs = 0;
  let counts = new Map<string, number>();
  for (const [index, entry] of steps.entries()) {
    await options.faultsOn();
    await Promise.all([runJob(entry), runJob(entry)]);
    await options.faultsOff();
    const stopped = Date.now();
    let lastNote = stopped;
    for (;;) {
      const outbound = await outboundSince();
      counts = reviewMailCounts(outbound, rows);
      const short = rows.filter((row) => (counts.get(row.reference) ?? 0) < expectedAfter(row, steps, index));
      // A send that failed after Exchange took it is recorded by a later run, from Sent Items.
      const unrecorded = (await checkIntents(outbound, options.tables)).unrecorded;
      if (short.length === 0 && unrecorded === 0) break;
      if (Date.now() - lastNote > 30_000) {
        lastNote = Date.now();
        options.progress?.(`  ${new Date().toISOString().slice(11, 19)} ${entry.job} as of ${entry.at.toISOString().slice(0, 10)}: ${short.length} applications short of their emails, ${unrecorded} emails without a recorded outcome, ${((Date.now() - stopped) / 1000).toFixed(0)} s after the faults stopped`);
      }
      if (Date.now() - stopped > options.convergeTimeoutMs) {
        problems.push(`${entry.job} as of ${entry.at.toISOString()}: ${short.length} applications short of their emails and ${unrecorded} emails without a recorded outcome ${options.convergeTimeoutMs} ms after the faults stopped`);
        break;
      }
      await runJob(entry);
      // A send of unknown outcome is looked for in Sent Items only after the settle time.
      await sleep(1_000);
    }
    convergeMs = Math.max(convergeMs, Date.now() - stopped);
    options.progress?.(`  ${new Date().toISOString().slice(11, 19)} ${entry.job} as of ${entry.at.toISOString().slice(0, 10)}: converged in ${((Date.now() - stopped) / 1000).toFixed(1)} s`);
  }
  const expected = rows.reduce((sum, row) => sum + expectedAfter(row, steps, steps.length - 1), 0);
  const expectedFor = (row: ReviewRow): number => expectedAfter(row, steps, steps.length - 1);

  let duplicates = 0;
  let losses = 0;
  let sent = 0;
  for (const row of rows) {
    const want = expectedFor(row);
    const got = counts.get(row.reference) ?? 0;
    sent += got;
    if (got > want) problems.push(`${row.reference} got ${got} review emails, expected ${want}`);
    if (got < want) problems.push(`${row.reference} got ${got} review emails, expected ${want}`);
    duplicates += Math.max(0, got - want);
    losses += Math.max(0, want - got);
  }
  // Every application reached its end state: decided, or moved on from the closed cycle.
  const state = await stack.env.control.state();
  const items = state.sites[0]?.lists.find((list) => list.displayName === 'Applications')?.items ?? [];
  for (const row of rows) {
    const fields = items.find((item) => item.id === row.itemId)?.fields ?? {};
    if (row.decided && fields.Status !== 'Decided') problems.push(`${row.reference} is '${String(fields.Status)}', not Decided`);
    if (!row.decided && fields.TargetCycle === row.targetCycle) problems.push(`${row.reference} still targets the closed cycle ${row.targetCycle}`);
  }
  return { applications: rows.length, decided: rows.filter((row) => row.decided).length, expectedEmails: expected, sentEmails: sent, jobRuns, duplicates, losses, problems, convergeMs };
}
