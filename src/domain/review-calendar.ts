/**
 * The review calendar: the cycles in which applications are reviewed, as data staff edit
 * (validated by `review-calendar-rows.ts`), and the questions the jobs ask of it: which cycle is
 * taking submissions, which is in review, whether a decision window is open.
 *
 * Every date in a cycle is a UK calendar date (`uk-dates.ts`): one that closes something
 * (submission deadline, review end, decisions close) means the END of that UK day; one that opens
 * something means the START of that UK day.
 */
import { ukEndOfDay, ukStartOfDay, type UkDate } from './uk-dates.js';

/**
 * `published` cycles drive the service. `draft` rows let staff prepare dates before announcing
 * them; `cancelled` rows keep history. Neither is used by the queries below.
 */
export type CycleStatus = 'published' | 'draft' | 'cancelled';

export interface ReviewCycle {
  /** Stable identifier that applications refer to (e.g. `2026-27-c1`). */
  id: string;
  /** What staff and applicants read (e.g. "2026/27 Cycle 1"). */
  name: string;
  /** Submissions close at the end of this UK day. */
  submissionDeadline: UkDate;
  /** Review runs from the start of `reviewStart` to the end of `reviewEnd`. */
  reviewStart: UkDate;
  reviewEnd: UkDate;
  /**
   * False when the row gave no review period (2022/23 Cycle 1 was published without one); the
   * period is then taken as the day after the deadline to the day before decisions open.
   */
  reviewPeriodPublished: boolean;
  /** Decisions are sent from the start of `decisionsOpen` to the end of `decisionsClose`. */
  decisionsOpen: UkDate;
  decisionsClose: UkDate;
  /** The original deadline when the deadline was moved; reminders sent for it stay sent. */
  extendedFrom?: UkDate;
  status: CycleStatus;
  notes?: string;
}

/** Validated cycles, as returned in `parseReviewCalendar(...).cycles`. */
export type ReviewCalendar = readonly ReviewCycle[];

/** Orders cycles by submission deadline, earliest first. */
export function byDeadline(a: ReviewCycle, b: ReviewCycle): number {
  return a.submissionDeadline < b.submissionDeadline ? -1 : a.submissionDeadline > b.submissionDeadline ? 1 : 0;
}

function publishedCycles(calendar: ReviewCalendar): ReviewCycle[] {
  return calendar.filter((cycle) => cycle.status === 'published').sort(byDeadline);
}

export interface CycleInstants {
  /** Last millisecond of the deadline day. */
  deadline: Date;
  reviewStart: Date;
  reviewEnd: Date;
  decisionsOpen: Date;
  decisionsClose: Date;
}

/** The instants at which the cycle's windows open (start of UK day) and close (end of UK day). */
export function cycleInstants(cycle: ReviewCycle): CycleInstants {
  return {
    deadline: ukEndOfDay(cycle.submissionDeadline),
    reviewStart: ukStartOfDay(cycle.reviewStart),
    reviewEnd: ukEndOfDay(cycle.reviewEnd),
    decisionsOpen: ukStartOfDay(cycle.decisionsOpen),
    decisionsClose: ukEndOfDay(cycle.decisionsClose),
  };
}

/** Submissions close at this instant: the last millisecond of the deadline's UK day. */
export function deadlineInstant(cycle: ReviewCycle): Date {
  return ukEndOfDay(cycle.submissionDeadline);
}

export function hasDeadlinePassed(cycle: ReviewCycle, now: Date): boolean {
  return now.getTime() > deadlineInstant(cycle).getTime();
}

/** Looks a cycle up by ID (ignoring case, as IDs are unique ignoring case). */
export function findCycle(calendar: ReviewCalendar, id: string): ReviewCycle | undefined {
  const key = id.trim().toLowerCase();
  return calendar.find((cycle) => cycle.id.toLowerCase() === key);
}

/**
 * The published cycle whose deadline is the next one not yet passed. Undefined means no future
 * cycle is published: reviews are paused and applicants should be told dates will follow.
 */
export function nextSubmissionCycle(calendar: ReviewCalendar, now: Date): ReviewCycle | undefined {
  return publishedCycles(calendar).find((cycle) => !hasDeadlinePassed(cycle, now));
}

/** The published cycle whose review period contains `now`, if any. */
export function cycleInReview(calendar: ReviewCalendar, now: Date): ReviewCycle | undefined {
  const t = now.getTime();
  return publishedCycles(calendar).find((cycle) => {
    const { reviewStart, reviewEnd } = cycleInstants(cycle);
    return reviewStart.getTime() <= t && t <= reviewEnd.getTime();
  });
}

export type DecisionWindowStatus = 'before' | 'open' | 'after';

/** Whether decision emails for this cycle may be sent yet, may be sent now, or are overdue. */
export function decisionWindowStatus(cycle: ReviewCycle, now: Date): DecisionWindowStatus {
  const { decisionsOpen, decisionsClose } = cycleInstants(cycle);
  const t = now.getTime();
  if (t < decisionsOpen.getTime()) return 'before';
  return t <= decisionsClose.getTime() ? 'open' : 'after';
}

/**
 * Where a cycle is at `now`. `awaiting-review` is the gap between the deadline and review start;
 * `awaiting-decisions` the gap (often none) between review end and decisions opening.
 */
export type CyclePhase = 'before-deadline' | 'awaiting-review' | 'in-review' | 'awaiting-decisions' | 'decisions' | 'finished';

export function cyclePhase(cycle: ReviewCycle, now: Date): CyclePhase {
  const i = cycleInstants(cycle);
  const t = now.getTime();
  if (t <= i.deadline.getTime()) return 'before-deadline';
  if (t < i.reviewStart.getTime()) return 'awaiting-review';
  if (t <= i.reviewEnd.getTime()) return 'in-review';
  if (t < i.decisionsOpen.getTime()) return 'awaiting-decisions';
  if (t <= i.decisionsClose.getTime()) return 'decisions';
  return 'finished';
}

export interface CurrentAndNextCycles {
  /** The published cycle past its deadline whose decisions have not yet closed. */
  current?: ReviewCycle;
  /** The published cycle now taking submissions (see `nextSubmissionCycle`). */
  next?: ReviewCycle;
}

export function currentAndNextCycles(calendar: ReviewCalendar, now: Date): CurrentAndNextCycles {
  const result: CurrentAndNextCycles = {};
  const current = publishedCycles(calendar)
    .filter((cycle) => {
      const phase = cyclePhase(cycle, now);
      return phase !== 'before-deadline' && phase !== 'finished';
    })
    .at(-1);
  if (current) result.current = current;
  const next = nextSubmissionCycle(calendar, now);
  if (next) result.next = next;
  return result;
}
