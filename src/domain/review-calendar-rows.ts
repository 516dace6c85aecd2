/**
 * Calendar rows as staff write them (a SharePoint list in production,
 * `config/review-calendar.json` locally), validated row by row so one bad row never stops the
 * service: each problem is one plain-English sentence saying what to change.
 */
import { z } from 'zod';
import { byDeadline, type CycleStatus, type ReviewCycle } from './review-calendar.js';
import { addUkDays, formatUkDate, isUkDate, ukDateOf, ukDaysBetween, type UkDate } from './uk-dates.js';
import { nonWorkingDayReason } from './working-days.js';

const CYCLE_STATUSES: readonly CycleStatus[] = ['published', 'draft', 'cancelled'];
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

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
      const year = Number(text.slice(0, 4));
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

