/**
 * Which reminders are due: submission-deadline reminders for applications still gathering
 * evidence, and award-expiry reminders for awarded organisations. Pure: the timer workflow
 * passes `now`, the calendar, the applications and the ledger of reminder ids already sent.
 *
 * Rules:
 * - A reminder for offset N is due from the start of the UK day N days before the deadline day
 *   (or expiry day).
 * - Only the most recent due reminder is sent. If the timer was down and several offsets fell
 *   due, the smallest due offset is sent and the older ones are skipped for good; a missed
 *   reminder is sent late as long as the deadline has not passed (expiry: the award has not
 *   expired) and no smaller offset has also fallen due.
 * - A reminder is identified by (application, cycle, deadline date, offset). Moving a deadline
 *   gives new ids for the new date, so applicants hear about the new date, while a reminder
 *   already sent for the same deadline and offset is never sent again.
 */
import { z } from 'zod';
import type { AwardLevel } from './award.js';
import { addUkDays, formatUkDate, ukDateOf, ukDaysBetween, ukEndOfDay, type UkDate } from './uk-dates.js';
import { findCycle, type ReviewCalendar } from './review-calendar.js';

export const DEFAULT_DEADLINE_REMINDER_OFFSETS: readonly number[] = [28, 14, 7, 1];
export const DEFAULT_EXPIRY_REMINDER_OFFSETS: readonly number[] = [90, 30];

/**
 * Application statuses that mean "still preparing evidence for the target cycle's deadline".
 * The application state machine owns the statuses; pass `openStatuses` if it names them
 * differently.
 */
export const DEFAULT_OPEN_STATUSES: readonly string[] = ['open', 'rolled-over'];

/** Offsets in days before the date: whole numbers from 0 (the day itself) to 366. */
export const reminderOffsetsSchema = z
  .array(z.number().int().min(0).max(366))
  .min(1)
  .transform((offsets) => normaliseOffsets(offsets));

export interface ReminderApplication {
  ref: string;
  targetCycleId: string;
  status: string;
  optedOut: boolean;
  /** Last UK day the organisation's award is current (see `awardExpiry`). */
  awardExpiresOn?: UkDate;
  awardLevel?: AwardLevel;
  /** Lets expiry reminders be held back when the organisation has already re-applied. */
  organisationKey?: string;
}

export interface DeadlineReminder {
  kind: 'deadline';
  /** Ledger key; safe as an Azure Table RowKey (no / \ # ?). */
  id: string;
  applicationRef: string;
  cycleId: string;
  cycleName: string;
  deadlineDate: UkDate;
  deadlineAt: Date;
  offsetDays: number;
  /** The UK day the reminder was scheduled for. */
  dueOn: UkDate;
  /** True when sent after `dueOn` (the timer missed its day). */
  late: boolean;
  /** Whole UK days from today to the deadline day (0 = the deadline is today). Use this, not `offsetDays`, in wording. */
  daysLeft: number;
  /** The deadline's original date, when the deadline has been moved. */
  extendedFrom?: UkDate;
}

export interface ExpiryReminder {
  kind: 'award-expiry';
  id: string;
  applicationRef: string;
  awardExpiresOn: UkDate;
  awardLevel?: AwardLevel;
  offsetDays: number;
  dueOn: UkDate;
  late: boolean;
  daysLeft: number;
}

/** Applications that should have had a deadline reminder but could not: staff need to fix the data. */
export interface SkippedReminder {
  applicationRef: string;
  reason: 'unknown-cycle' | 'cycle-not-published';
  message: string;
}

export interface ReminderOptions {
  deadlineOffsets?: readonly number[];
  expiryOffsets?: readonly number[];
  openStatuses?: readonly string[];
}

export interface DueRemindersInput {
  now: Date;
  calendar: ReviewCalendar;
  applications: readonly ReminderApplication[];
  /** Ids of reminders already sent (the sent ledger); they are never returned again. */
  alreadySent?: ReadonlySet<string>;
  options?: ReminderOptions;
}

export interface DueReminders {
  deadline: DeadlineReminder[];
  expiry: ExpiryReminder[];
  skipped: SkippedReminder[];
}

/** Whole days, no duplicates, largest first. */
export function normaliseOffsets(offsets: readonly number[]): number[] {
  return [...new Set(offsets.filter((offset) => Number.isInteger(offset) && offset >= 0))].sort((a, b) => b - a);
}

function key(part: string): string {
  return encodeURIComponent(part);
}

export function deadlineReminderId(applicationRef: string, cycleId: string, deadlineDate: UkDate, offsetDays: number): string {
  return `deadline|${key(applicationRef)}|${key(cycleId.toLowerCase())}|${deadlineDate}|${offsetDays}d`;
}

export function expiryReminderId(applicationRef: string, awardExpiresOn: UkDate, offsetDays: number): string {
  return `expiry|${key(applicationRef)}|${awardExpiresOn}|${offsetDays}d`;
}

export interface ScheduledReminder {
  offsetDays: number;
  dueOn: UkDate;
}

/** The UK days on which reminders for a date fall, largest offset first. */
export function reminderDates(date: UkDate, offsets: readonly number[]): ScheduledReminder[] {
  return normaliseOffsets(offsets).map((offsetDays) => ({ offsetDays, dueOn: addUkDays(date, -offsetDays) }));
}

/**
 * The most recent reminder due for `date` on `today`, or undefined when none is due yet or the
 * date has passed.
 */
function latestDue(date: UkDate, offsets: readonly number[], today: UkDate): ScheduledReminder | undefined {
  if (today > date) return undefined;
  return reminderDates(date, offsets)
    .filter((scheduled) => scheduled.dueOn <= today)
    .at(-1);
}

export function dueDeadlineReminders(input: DueRemindersInput): { due: DeadlineReminder[]; skipped: SkippedReminder[] } {
  const offsets = input.options?.deadlineOffsets ?? DEFAULT_DEADLINE_REMINDER_OFFSETS;
  const open = new Set(input.options?.openStatuses ?? DEFAULT_OPEN_STATUSES);
  const today = ukDateOf(input.now);
  const due: DeadlineReminder[] = [];
  const skipped: SkippedReminder[] = [];

  for (const application of input.applications) {
    if (application.optedOut || !open.has(application.status)) continue;
    // No target cycle: the application waits for one to be published (reviews paused). That is
    // expected, not a problem to log; the calendar watch tells the applicant when dates appear.
    if (application.targetCycleId.trim() === '') continue;
    const cycle = findCycle(input.calendar, application.targetCycleId);
    if (!cycle) {
      skipped.push({
        applicationRef: application.ref,
        reason: 'unknown-cycle',
        message: `Application ${application.ref} targets cycle '${application.targetCycleId}', which is not in the review calendar, so no deadline reminder can be sent.`,
      });
      continue;
    }
    if (cycle.status !== 'published') {
      skipped.push({
        applicationRef: application.ref,
        reason: 'cycle-not-published',
        message: `Application ${application.ref} targets cycle '${cycle.name}', which is ${cycle.status}, so no deadline reminder can be sent.`,
      });
      continue;
    }
    // The deadline runs to the end of its UK day, which is exactly "today <= deadline day".
    const scheduled = latestDue(cycle.submissionDeadline, offsets, today);
    if (!scheduled) continue;
    const id = deadlineReminderId(application.ref, cycle.id, cycle.submissionDeadline, scheduled.offsetDays);
    if (input.alreadySent?.has(id)) continue;
    const reminder: DeadlineReminder = {
      kind: 'deadline',
      id,
      applicationRef: application.ref,
      cycleId: cycle.id,
      cycleName: cycle.name,
      deadlineDate: cycle.submissionDeadline,
      deadlineAt: ukEndOfDay(cycle.submissionDeadline),
      offsetDays: scheduled.offsetDays,
      dueOn: scheduled.dueOn,
      late: scheduled.dueOn < today,
      daysLeft: ukDaysBetween(today, cycle.submissionDeadline),
    };
    if (cycle.extendedFrom !== undefined) reminder.extendedFrom = cycle.extendedFrom;
    due.push(reminder);
  }
  return { due, skipped };
}

/**
 * Expiry reminders are held back when the same organisation (by `organisationKey`) has
 * already re-applied (an application in an open status) or holds a later award.
 */
export function dueExpiryReminders(input: DueRemindersInput): ExpiryReminder[] {
  const offsets = input.options?.expiryOffsets ?? DEFAULT_EXPIRY_REMINDER_OFFSETS;
  const open = new Set(input.options?.openStatuses ?? DEFAULT_OPEN_STATUSES);
  const today = ukDateOf(input.now);
  const due: ExpiryReminder[] = [];

  for (const application of input.applications) {
    const expiresOn = application.awardExpiresOn;
    if (application.optedOut || expiresOn === undefined) continue;
    const orgKey = application.organisationKey;
    if (orgKey !== undefined) {
      const superseded = input.applications.some(
        (other) =>
          other !== application &&
          other.organisationKey === orgKey &&
          (open.has(other.status) || (other.awardExpiresOn !== undefined && other.awardExpiresOn > expiresOn)),
      );
      if (superseded) continue;
    }
    const scheduled = latestDue(expiresOn, offsets, today);
    if (!scheduled) continue;
    const id = expiryReminderId(application.ref, expiresOn, scheduled.offsetDays);
    if (input.alreadySent?.has(id)) continue;
    const reminder: ExpiryReminder = {
      kind: 'award-expiry',
      id,
      applicationRef: application.ref,
      awardExpiresOn: expiresOn,
      offsetDays: scheduled.offsetDays,
      dueOn: scheduled.dueOn,
      late: scheduled.dueOn < today,
      daysLeft: ukDaysBetween(today, expiresOn),
    };
    if (application.awardLevel !== undefined) reminder.awardLevel = application.awardLevel;
    due.push(reminder);
  }
  return due;
}

/** Everything due at `now`: at most one deadline and one expiry reminder per application. */
export function dueReminders(input: DueRemindersInput): DueReminders {
  const { due, skipped } = dueDeadlineReminders(input);
  return { deadline: due, expiry: dueExpiryReminders(input), skipped };
}

/** "in 7 days", "tomorrow", "today": wording for a reminder's subject line. */
export function describeDaysLeft(daysLeft: number): string {
  if (daysLeft <= 0) return 'today';
  if (daysLeft === 1) return 'tomorrow';
  return `in ${daysLeft} days`;
}

/** e.g. "The submission deadline has moved from Monday 18 January 2027 to Monday 1 February 2027." */
export function describeMovedDeadline(reminder: DeadlineReminder): string | undefined {
  if (reminder.extendedFrom === undefined) return undefined;
  return `The submission deadline has moved from ${formatUkDate(reminder.extendedFrom)} to ${formatUkDate(reminder.deadlineDate)}.`;
}
