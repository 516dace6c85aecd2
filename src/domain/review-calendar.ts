/**
 * The review calendar: the cycles in which applications are reviewed, as data staff edit (a
 * SharePoint list in production, `config/review-calendar.json` locally), validated row by row so
 * one bad row never stops the service, plus the UK calendar-date arithmetic the rest of the
 * domain uses.
 *
 * Every date in the calendar is a UK calendar date (`YYYY-MM-DD`, Europe/London). A date that
 * closes something (submission deadline, review end, decisions close) means the END of that UK
 * day; a date that opens something means the START of that UK day. Instants are computed through
 * the Europe/London zone rules, so they stay right across the GMT/BST changes.
 */
import { TZDate } from '@date-fns/tz';
import { z } from 'zod';
import { nonWorkingDayReason } from './working-days.js';

export const UK_TIME_ZONE = 'Europe/London';

/** A UK calendar date written `YYYY-MM-DD`. */
export type UkDate = string;

// ---------------------------------------------------------------------------------------------
// UK calendar dates
// ---------------------------------------------------------------------------------------------

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/**
 * True when `value` is a real calendar date written `YYYY-MM-DD` (so `2027-02-29` is false).
 * Years outside 2000–2099 are refused because in a staff-edited calendar they are typos.
 */
export function isUkDate(value: string): boolean {
  const match = ISO_DATE.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (year < 2000 || year > 2099 || month < 1 || month > 12 || day < 1) return false;
  return day <= daysInMonth(year, month);
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function dateParts(date: UkDate): { year: number; month: number; day: number } {
  const match = ISO_DATE.exec(date);
  if (!match) throw new RangeError(`Not a YYYY-MM-DD date: ${date}`);
  return { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
}

function fromParts(year: number, month: number, day: number): UkDate {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

// Calendar arithmetic is done on a UTC midnight stand-in: UTC has no clock changes, so adding
// whole days there can never land on the wrong calendar day.
function toUtcMidnight(date: UkDate): number {
  const { year, month, day } = dateParts(date);
  return Date.UTC(year, month - 1, day);
}

function fromUtcMidnight(ms: number): UkDate {
  const d = new Date(ms);
  return fromParts(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
}

/** The UK calendar date `days` days after `date` (negative for before). */
export function addUkDays(date: UkDate, days: number): UkDate {
  return fromUtcMidnight(toUtcMidnight(date) + days * DAY_MS);
}

/** Whole calendar days from `from` to `to` (positive when `to` is later). */
export function ukDaysBetween(from: UkDate, to: UkDate): number {
  return Math.round((toUtcMidnight(to) - toUtcMidnight(from)) / DAY_MS);
}

/** The same calendar day `years` years later (or earlier); 29 February becomes 28 February. */
export function addUkYears(date: UkDate, years: number): UkDate {
  const { year, month, day } = dateParts(date);
  const targetYear = year + years;
  return fromParts(targetYear, month, Math.min(day, daysInMonth(targetYear, month)));
}

function assertValidInstant(instant: Date): void {
  if (Number.isNaN(instant.getTime())) throw new RangeError('Invalid Date');
}

/** The UK calendar date on which `instant` falls. */
export function ukDateOf(instant: Date): UkDate {
  assertValidInstant(instant);
  const uk = new TZDate(instant.getTime(), UK_TIME_ZONE);
  return fromParts(uk.getFullYear(), uk.getMonth() + 1, uk.getDate());
}

/** The first millisecond of a UK calendar day (00:00 Europe/London). */
export function ukStartOfDay(date: UkDate): Date {
  const { year, month, day } = dateParts(date);
  return new Date(new TZDate(year, month - 1, day, UK_TIME_ZONE).getTime());
}

/**
 * The last millisecond of a UK calendar day. Taken as one millisecond before the next day's UK
 * midnight, so the 23- and 25-hour days of the clock changes come out right.
 */
export function ukEndOfDay(date: UkDate): Date {
  return new Date(ukStartOfDay(addUkDays(date, 1)).getTime() - 1);
}

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/**
 * `long` "Monday 18 January 2027" (emails), `medium` "18 January 2027", `short` "18 Jan 2027"
 * (cards, tables).
 */
export type UkDateStyle = 'long' | 'medium' | 'short';

/**
 * A UK date (or the UK date of an instant) in plain English. Written out by hand rather than
 * with Intl because ICU versions disagree (en-GB abbreviates September as "Sept" in some).
 */
export function formatUkDate(value: UkDate | Date, style: UkDateStyle = 'long'): string {
  const date = typeof value === 'string' ? value : ukDateOf(value);
  if (!isUkDate(date)) throw new RangeError(`Not a UK date: ${date}`);
  const { year, month, day } = dateParts(date);
  const monthName = MONTHS[month - 1] ?? '';
  if (style === 'short') return `${day} ${monthName.slice(0, 3)} ${year}`;
  if (style === 'medium') return `${day} ${monthName} ${year}`;
  const weekday = WEEKDAYS[new Date(toUtcMidnight(date)).getUTCDay()] ?? '';
  return `${weekday} ${day} ${monthName} ${year}`;
}

// ---------------------------------------------------------------------------------------------
// The calendar
// ---------------------------------------------------------------------------------------------

/**
 * `published` cycles drive the service. `draft` rows let staff prepare dates before announcing
 * them; `cancelled` rows keep history. Neither is used by the queries below.
 */
export type CycleStatus = 'published' | 'draft' | 'cancelled';
const CYCLE_STATUSES: readonly CycleStatus[] = ['published', 'draft', 'cancelled'];

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

export interface RejectedCalendarRow {
  /** Index of the row in the input array (0-based), so the caller can find the list item. */
  row: number;
  /** How staff recognise the row: its name and id, or "Row 3" (1-based) when it has neither. */
  label: string;
  /** One plain-English sentence per problem, each saying what to change. */
  reasons: string[];
}

/** Something about a valid row that staff should check; the row is still used. */
export interface CalendarWarning {
  cycleId: string;
  /** How staff recognise the row, as in `RejectedCalendarRow.label`. */
  label: string;
  message: string;
}

export interface ParsedReviewCalendar {
  /** Valid cycles (any status), ordered by submission deadline. */
  cycles: ReviewCycle[];
  rejected: RejectedCalendarRow[];
  /** Valid rows with something to check, such as a deadline on a weekend or bank holiday. */
  warnings: CalendarWarning[];
}

// Column names staff may use for each field. Keys are compared ignoring case, spaces, hyphens
// and underscores, so "Submission deadline", "SubmissionDeadline" and "submission_deadline" all
// work. `cycleId` wins over `id` because SharePoint puts its own item number in `id`.
const FIELD_ALIASES = {
  id: ['cycleid', 'id'],
  name: ['name', 'cyclename', 'title'],
  submissionDeadline: ['submissiondeadline', 'deadline'],
  reviewStart: ['reviewstart', 'reviewperiodstart'],
  reviewEnd: ['reviewend', 'reviewperiodend'],
  decisionsOpen: ['decisionsopen', 'decisionwindowopen', 'decisionwindowopens'],
  decisionsClose: ['decisionsclose', 'decisionwindowclose', 'decisionwindowcloses'],
  extendedFrom: ['extendedfrom'],
  status: ['status'],
  notes: ['notes'],
} as const;

type CanonicalField = keyof typeof FIELD_ALIASES;

const FIELD_LABELS: Record<CanonicalField, string> = {
  id: 'Cycle ID',
  name: 'Name',
  submissionDeadline: 'Submission deadline',
  reviewStart: 'Review start',
  reviewEnd: 'Review end',
  decisionsOpen: 'Decisions open',
  decisionsClose: 'Decisions close',
  extendedFrom: 'Extended from',
  status: 'Status',
  notes: 'Notes',
};

function normaliseKey(key: string): string {
  return key.toLowerCase().replace(/[^a-z0-9]/g, '');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Maps whatever column names the row uses onto the canonical field names. */
function canonicaliseRow(row: Record<string, unknown>): Partial<Record<CanonicalField, unknown>> {
  const byKey = new Map<string, unknown>();
  for (const [key, value] of Object.entries(row)) byKey.set(normaliseKey(key), value);
  const out: Partial<Record<CanonicalField, unknown>> = {};
  for (const field of Object.keys(FIELD_ALIASES) as CanonicalField[]) {
    // Every field is set, even to undefined: zod reports an absent key to a transform as
    // "expected nonoptional" rather than letting the field's own message explain it.
    out[field] = undefined;
    for (const alias of FIELD_ALIASES[field]) {
      const value = byKey.get(alias);
      if (!isBlank(value)) {
        out[field] = value;
        break;
      }
    }
  }
  return out;
}

// SharePoint returns cleared columns as null or ""; both mean "not given".
function isBlank(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

const EXAMPLE_DATE = '2027-01-18';

// Accepts `YYYY-MM-DD`, or a full ISO instant with a zone (what Graph returns for a SharePoint
// date-only column: UK midnight expressed in UTC, e.g. 2027-06-17T23:00:00Z for 18 June).
function ukDateField(field: CanonicalField, required: boolean) {
  const label = FIELD_LABELS[field];
  return z.unknown().transform((value, ctx): UkDate | undefined => {
    const fail = (message: string) => {
      ctx.addIssue({ code: 'custom', message });
      return z.NEVER;
    };
    if (isBlank(value)) return required ? fail(`${label} is missing: enter a date like ${EXAMPLE_DATE}.`) : undefined;
    if (value instanceof Date) {
      return Number.isNaN(value.getTime()) ? fail(`${label} is not a valid date.`) : ukDateOf(value);
    }
    if (typeof value !== 'string') return fail(`${label} must be a date like ${EXAMPLE_DATE}, not ${JSON.stringify(value)}.`);
    const text = value.trim();
    if (/^\d{4}-\d{2}-\d{2}T.+(Z|[+-]\d{2}:?\d{2})$/i.test(text)) {
      const instant = new Date(text);
      if (!Number.isNaN(instant.getTime()) && isUkDate(ukDateOf(instant))) return ukDateOf(instant);
      return fail(`${label} '${text}' is not a valid date.`);
    }
    if (!ISO_DATE.test(text)) {
      return fail(`${label} '${text}' is not written as year-month-day: use the form ${EXAMPLE_DATE}.`);
    }
    if (!isUkDate(text)) {
      const { year } = dateParts(text);
      return year < 2000 || year > 2099
        ? fail(`${label} '${text}' has the year ${year}: check the year.`)
        : fail(`${label} '${text}' is not a real date: check the day and month.`);
    }
    return text;
  });
}

function textField(field: CanonicalField, required: boolean) {
  const label = FIELD_LABELS[field];
  return z.unknown().transform((value, ctx): string | undefined => {
    if (isBlank(value)) {
      if (!required) return undefined;
      ctx.addIssue({ code: 'custom', message: `${label} is missing: give the cycle a short unique ID such as 2026-27-c1.` });
      return z.NEVER;
    }
    if (typeof value === 'string') return value.trim();
    if (typeof value === 'number' && Number.isFinite(value)) return String(value);
    ctx.addIssue({ code: 'custom', message: `${label} must be text.` });
    return z.NEVER;
  });
}

const statusField = z.unknown().transform((value, ctx): CycleStatus => {
  if (isBlank(value)) return 'published';
  const text = typeof value === 'string' ? value.trim().toLowerCase() : '';
  const status = text === 'canceled' ? 'cancelled' : text;
  if ((CYCLE_STATUSES as readonly string[]).includes(status)) return status as CycleStatus;
  ctx.addIssue({
    code: 'custom',
    message: `Status ${JSON.stringify(value)} is not recognised: use published, draft or cancelled (or leave it empty for published).`,
  });
  return z.NEVER;
});

const short = (date: UkDate) => formatUkDate(date, 'short');

// Field-level parsing and the ordering rules; `reviewCycleRowSchema` adds the column-name mapping.
const cycleRowFieldsSchema = z
  .object({
    id: textField('id', true),
    name: textField('name', false),
    submissionDeadline: ukDateField('submissionDeadline', true),
    reviewStart: ukDateField('reviewStart', false),
    reviewEnd: ukDateField('reviewEnd', false),
    decisionsOpen: ukDateField('decisionsOpen', true),
    decisionsClose: ukDateField('decisionsClose', true),
    extendedFrom: ukDateField('extendedFrom', false),
    status: statusField,
    notes: textField('notes', false),
  })
  .transform((row, ctx): ReviewCycle => {
    // Required fields are guaranteed by the field parsers; these guards satisfy the compiler.
    const { id, submissionDeadline: deadline, decisionsOpen, decisionsClose } = row;
    if (id === undefined || deadline === undefined || decisionsOpen === undefined || decisionsClose === undefined) {
      return z.NEVER;
    }
    const problems: string[] = [];
    const reviewPeriodPublished = row.reviewStart !== undefined || row.reviewEnd !== undefined;
    if (row.reviewStart === undefined && row.reviewEnd !== undefined) {
      problems.push('Review start is missing: give both review dates, or leave both empty if no review period is published.');
    }
    if (row.reviewEnd === undefined && row.reviewStart !== undefined) {
      problems.push('Review end is missing: give both review dates, or leave both empty if no review period is published.');
    }
    const reviewStart = row.reviewStart ?? addUkDays(deadline, 1);
    const reviewEnd = row.reviewEnd ?? addUkDays(decisionsOpen, -1);

    if (reviewPeriodPublished) {
      if (row.reviewStart !== undefined && reviewStart <= deadline) {
        problems.push(
          `Review start (${short(reviewStart)}) must be after the submission deadline (${short(deadline)}): applicants can upload until the end of the deadline day.`,
        );
      }
      if (row.reviewStart !== undefined && row.reviewEnd !== undefined && reviewEnd < reviewStart) {
        problems.push(`Review end (${short(reviewEnd)}) is before review start (${short(reviewStart)}).`);
      }
      if (row.reviewEnd !== undefined && decisionsOpen <= reviewEnd) {
        problems.push(`Decisions open (${short(decisionsOpen)}) must be after review end (${short(reviewEnd)}).`);
      }
    } else if (ukDaysBetween(deadline, decisionsOpen) < 2) {
      problems.push(
        `Decisions open (${short(decisionsOpen)}) must be at least two days after the submission deadline (${short(deadline)}) to leave time for review.`,
      );
    }
    if (decisionsClose < decisionsOpen) {
      problems.push(`Decisions close (${short(decisionsClose)}) is before decisions open (${short(decisionsOpen)}).`);
    }
    if (row.extendedFrom !== undefined && row.extendedFrom === deadline) {
      problems.push(
        `Extended from (${short(row.extendedFrom)}) is the same as the submission deadline: give the original deadline, or leave it empty if the deadline has not moved.`,
      );
    }
    if (problems.length > 0) {
      for (const message of problems) ctx.addIssue({ code: 'custom', message });
      return z.NEVER;
    }
    const cycle: ReviewCycle = {
      id,
      name: row.name ?? id,
      submissionDeadline: deadline,
      reviewStart,
      reviewEnd,
      reviewPeriodPublished,
      decisionsOpen,
      decisionsClose,
      status: row.status,
    };
    if (row.extendedFrom !== undefined) cycle.extendedFrom = row.extendedFrom;
    if (row.notes !== undefined) cycle.notes = row.notes;
    return cycle;
  });

/**
 * One calendar row, with columns named as in `FIELD_ALIASES`. Ordering rules: deadline < review
 * start <= review end < decisions open <= decisions close. Review may not start on the deadline
 * day, because the deadline runs to the end of that day and the folder is still open to the
 * applicant.
 */
export const reviewCycleRowSchema = z.preprocess((value) => (isRecord(value) ? canonicaliseRow(value) : value), cycleRowFieldsSchema);

function rowLabel(row: unknown, index: number): string {
  if (!isRecord(row)) return `Row ${index + 1}`;
  const fields = canonicaliseRow(row);
  const name = typeof fields.name === 'string' ? fields.name.trim() : undefined;
  const id = typeof fields.id === 'string' || typeof fields.id === 'number' ? String(fields.id).trim() : undefined;
  if (name && id && name !== id) return `${name} (${id})`;
  return name || id || `Row ${index + 1}`;
}

function describeCycle(cycle: ReviewCycle, index: number): string {
  return cycle.name === cycle.id ? `'${cycle.id}' (row ${index + 1})` : `'${cycle.name}' (ID ${cycle.id}, row ${index + 1})`;
}

/**
 * Validates calendar rows. A row with any problem is left out and reported; the other rows are
 * still used, so a typo in next year's dates never stops this year's reminders.
 *
 * Across rows:
 * - IDs must be unique (compared ignoring case); every row sharing an ID is rejected, because
 *   applications refer to cycles by ID and we cannot tell which row is meant.
 * - Published cycles may not overlap. A cycle occupies the days from its submission deadline to
 *   the day its review ends; the next cycle's deadline must fall after that. This keeps at most
 *   one cycle in review at any moment, and deadlines strictly increasing. A decision window may
 *   run on into the next cycle's submission period and review, so staff can extend it (decisions
 *   are sent by each application's own cycle). Both cycles of an overlapping pair are rejected:
 *   we cannot tell which dates are the mistake, and acting on either could send applicants a
 *   wrong deadline.
 * Draft and cancelled cycles are exempt from the overlap rule (they drive nothing).
 */
export function parseReviewCalendar(rows: readonly unknown[]): ParsedReviewCalendar {
  const reasons = new Map<number, string[]>();
  const addReason = (index: number, reason: string) => {
    const list = reasons.get(index) ?? [];
    list.push(reason);
    reasons.set(index, list);
  };
  const parsed = new Map<number, ReviewCycle>();

  rows.forEach((row, index) => {
    if (!isRecord(row)) {
      addReason(index, `Row ${index + 1} is not a calendar entry: each entry needs a cycle ID, submission deadline and decision dates.`);
      return;
    }
    const result = reviewCycleRowSchema.safeParse(row);
    if (result.success) parsed.set(index, result.data);
    else for (const issue of result.error.issues) addReason(index, issue.message);
  });

  const rowsById = new Map<string, number[]>();
  rows.forEach((row, index) => {
    if (!isRecord(row)) return;
    const id = canonicaliseRow(row).id;
    if (typeof id !== 'string' && typeof id !== 'number') return;
    const key = String(id).trim().toLowerCase();
    rowsById.set(key, [...(rowsById.get(key) ?? []), index]);
  });
  for (const [, indexes] of rowsById) {
    if (indexes.length < 2) continue;
    for (const index of indexes) {
      const others = indexes.filter((other) => other !== index).map((other) => other + 1);
      addReason(
        index,
        `Cycle ID '${String(canonicaliseRow(rows[index] as Record<string, unknown>).id).trim()}' is also used by row ${others.join(', ')}: each cycle needs its own ID.`,
      );
    }
  }

  const candidates = [...parsed.entries()].filter(([index, cycle]) => !reasons.has(index) && cycle.status === 'published');
  for (const [index, cycle] of candidates) {
    for (const [otherIndex, other] of candidates) {
      if (otherIndex === index) continue;
      const overlaps = cycle.submissionDeadline <= other.reviewEnd && other.submissionDeadline <= cycle.reviewEnd;
      if (!overlaps) continue;
      addReason(
        index,
        `Overlaps ${describeCycle(other, otherIndex)}, which runs from its deadline ${short(other.submissionDeadline)} to its review ending ${short(other.reviewEnd)}: a cycle's deadline must come after the previous cycle's review ends.`,
      );
    }
  }

  const cycles = [...parsed.entries()]
    .filter(([index]) => !reasons.has(index))
    .map(([, cycle]) => cycle)
    .sort(byDeadline);
  const rejected = [...reasons.entries()]
    .sort(([a], [b]) => a - b)
    .map(([row, list]) => ({ row, label: rowLabel(rows[row], row), reasons: list }));
  return { cycles, rejected, warnings: calendarWarnings(cycles) };
}

/**
 * Deadlines that fall on a weekend or a bank holiday in England and Wales. Applicants' own staff
 * are unlikely to be at work that day, so staff should check the date; the row is still used
 * (the standard's owners have published such dates, e.g. 19 September 2022).
 */
export function calendarWarnings(cycles: readonly ReviewCycle[]): CalendarWarning[] {
  return cycles
    .filter((cycle) => cycle.status !== 'cancelled')
    .flatMap((cycle) => {
      const reason = nonWorkingDayReason(cycle.submissionDeadline);
      if (reason === undefined) return [];
      const label = cycle.name === cycle.id ? cycle.id : `${cycle.name} (${cycle.id})`;
      return [{ cycleId: cycle.id, label, message: `The submission deadline (${formatUkDate(cycle.submissionDeadline)}) is ${reason}: check the date.` }];
    });
}

function byDeadline(a: ReviewCycle, b: ReviewCycle): number {
  return a.submissionDeadline < b.submissionDeadline ? -1 : a.submissionDeadline > b.submissionDeadline ? 1 : 0;
}

function publishedCycles(calendar: ReviewCalendar): ReviewCycle[] {
  return calendar.filter((cycle) => cycle.status === 'published').sort(byDeadline);
}

// ---------------------------------------------------------------------------------------------
// Queries
// ---------------------------------------------------------------------------------------------

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
