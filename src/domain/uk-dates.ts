/**
 * UK calendar dates (`YYYY-MM-DD`, Europe/London): arithmetic, the instants a day starts and ends,
 * and how dates are written for applicants and staff.
 *
 * The arithmetic is done by `date-fns` on `TZDate`s pinned to Europe/London, so it follows that
 * zone's calendar whatever the host's time zone is, and the 23- and 25-hour days of the clock
 * changes come out right. A date that closes something means the END of that UK day; a date that
 * opens something means the START of it.
 */
import { TZDate } from '@date-fns/tz';
import { addDays, addYears, differenceInCalendarDays, endOfDay, format, isExists } from 'date-fns';

export const UK_TIME_ZONE = 'Europe/London';

/** A UK calendar date written `YYYY-MM-DD`. */
export type UkDate = string;

// Not date-fns `parse`: its `MM` and `dd` also accept one digit, and a staff-edited calendar must
// say exactly one thing, so the shape is checked here and only the calendar check is date-fns's.
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * True when `value` is a real calendar date written `YYYY-MM-DD` (so `2027-02-29` is false).
 * Years outside 2000–2099 are refused because in a staff-edited calendar they are typos.
 */
export function isUkDate(value: string): boolean {
  const match = ISO_DATE.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (year < 2000 || year > 2099) return false;
  return isExists(year, month - 1, day);
}

/** Midnight at the start of a UK day, as a date-fns value in the Europe/London zone. */
function ukMidnight(date: UkDate): TZDate {
  const match = ISO_DATE.exec(date);
  if (!match) throw new RangeError(`Not a YYYY-MM-DD date: ${date}`);
  // UK clocks change at 01:00, so midnight exists on every UK day.
  return new TZDate(Number(match[1]), Number(match[2]) - 1, Number(match[3]), UK_TIME_ZONE);
}

function ukDateString(date: Date): UkDate {
  return format(date, 'yyyy-MM-dd');
}

/** The UK calendar date `days` days after `date` (negative for before). */
export function addUkDays(date: UkDate, days: number): UkDate {
  return ukDateString(addDays(ukMidnight(date), days));
}

/** Whole calendar days from `from` to `to` (positive when `to` is later). */
export function ukDaysBetween(from: UkDate, to: UkDate): number {
  return differenceInCalendarDays(ukMidnight(to), ukMidnight(from));
}

/** The same calendar day `years` years later (or earlier); 29 February becomes 28 February. */
export function addUkYears(date: UkDate, years: number): UkDate {
  return ukDateString(addYears(ukMidnight(date), years));
}

function assertValidInstant(instant: Date): void {
  if (Number.isNaN(instant.getTime())) throw new RangeError('Invalid Date');
}

function inUk(instant: Date): TZDate {
  assertValidInstant(instant);
  return new TZDate(instant.getTime(), UK_TIME_ZONE);
}

/** The UK calendar date on which `instant` falls. */
export function ukDateOf(instant: Date): UkDate {
  return ukDateString(inUk(instant));
}

/** The first millisecond of a UK calendar day (00:00 Europe/London). */
export function ukStartOfDay(date: UkDate): Date {
  return new Date(ukMidnight(date).getTime());
}

/** The last millisecond of a UK calendar day (23:59:59.999 Europe/London, GMT or BST). */
export function ukEndOfDay(date: UkDate): Date {
  return new Date(endOfDay(ukMidnight(date)).getTime());
}

/**
 * `long` "Monday 18 January 2027" (emails), `medium` "18 January 2027", `short` "18 Jan 2027"
 * (cards, tables).
 */
export type UkDateStyle = 'long' | 'medium' | 'short';

// date-fns writes names from its own English locale data rather than the host's ICU, whose
// versions disagree (en-GB abbreviates September as "Sept" in some).
const PATTERNS: Record<UkDateStyle, string> = { long: 'EEEE d MMMM yyyy', medium: 'd MMMM yyyy', short: 'd MMM yyyy' };

/** A UK date (or the UK date of an instant) in plain English. */
export function formatUkDate(value: UkDate | Date, style: UkDateStyle = 'long'): string {
  const date = typeof value === 'string' ? value : ukDateOf(value);
  if (!isUkDate(date)) throw new RangeError(`Not a UK date: ${date}`);
  return format(ukMidnight(date), PATTERNS[style]);
}

/** "25 Nov 2026, 14:05" in UK time (GMT or BST, whichever applied at that moment). */
export function formatUkDateTime(instant: Date): string {
  return format(inUk(instant), 'd MMM yyyy, HH:mm');
}
