/**
 * Whether a UK calendar date is a working day in England and Wales, so that staff are warned
 * before they publish a submission deadline that falls on a weekend or a bank holiday.
 *
 * Bank holidays come from the `date-holidays` package (GB, England and Wales) rather than from a
 * list kept here: weqs runs without network access, and the package is maintained, computes the
 * moveable feasts and substitute days, and records one-off holidays (it knows 19 September 2022,
 * the State Funeral of Queen Elizabeth II). It is pure data and code, no I/O.
 */
import Holidays from 'date-holidays';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const regions = [new Holidays('GB', 'ENG'), new Holidays('GB', 'WLS')];
const byYear = new Map<number, Map<string, string>>();

/** Bank holidays in England and Wales in `year`, by `YYYY-MM-DD` date. */
function bankHolidays(year: number): Map<string, string> {
  let holidays = byYear.get(year);
  if (!holidays) {
    holidays = new Map();
    for (const region of regions) {
      for (const holiday of region.getHolidays(year)) {
        if (holiday.type !== 'public' && holiday.type !== 'bank') continue;
        const day = holiday.date.slice(0, 10);
        if (!holidays.has(day)) holidays.set(day, holiday.name);
      }
    }
    byYear.set(year, holidays);
  }
  return holidays;
}

/**
 * Why `date` (a UK calendar date, `YYYY-MM-DD`) is not a working day in England and Wales
 * ("a Saturday", "a bank holiday in England and Wales (Easter Monday)"), or undefined when it is.
 */
export function nonWorkingDayReason(date: string): string | undefined {
  const match = ISO_DATE.exec(date);
  if (!match) throw new RangeError(`Not a YYYY-MM-DD date: ${date}`);
  const weekday = new Date(`${date}T12:00:00Z`).getUTCDay();
  if (weekday === 6) return 'a Saturday';
  if (weekday === 0) return 'a Sunday';
  const holiday = bankHolidays(Number(match[1])).get(date);
  return holiday === undefined ? undefined : `a bank holiday in England and Wales (${holiday})`;
}
