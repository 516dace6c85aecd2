import { strFromU8, unzipSync } from 'fflate';
import type { EmulatorState } from '../../dev/emulator-client.js';
import { renewalOpensOn } from '../../src/domain/award.js';
import { addUkYears, isUkDate, ukDateOf } from '../../src/domain/uk-dates.js';
import type { UkDate } from '../../src/domain/uk-dates.js';

/**
 * "No email, form or card carries a date that is not in the calendar under test": every date
 * written the ways weqs writes them is found in what the emulator delivered and posted, and each
 * must be a date of the calendar under test, or derived from staff-owned data in the test, or
 * the day the email or card itself arrived. Anything else is an invented date.
 */

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTH_NAMES = MONTHS.flatMap((month) => [month, month.slice(0, 3)]).join('|');

// "Monday 18 January 2027", "18 January 2027", "18 Jan 2027" (with any whitespace between the
// words, as plain text wraps), and ISO dates, alone or starting an instant.
const WRITTEN = new RegExp(`\\b(?:(${WEEKDAYS.join('|')})\\s+)?(\\d{1,2})\\s+(${MONTH_NAMES})\\s+(\\d{4})\\b`, 'g');
const ISO = /\b(\d{4})-(\d{2})-(\d{2})(?![\d])/g;

export interface FoundDate {
  /** As written. */
  text: string;
  /** The UK date it names, or undefined when it names none (31 February, a wrong weekday). */
  date?: UkDate;
}

const pad = (value: number): string => String(value).padStart(2, '0');

/** Every date in `text`, in the formats weqs writes. */
export function datesIn(text: string): FoundDate[] {
  const found: FoundDate[] = [];
  for (const match of text.matchAll(WRITTEN)) {
    const [written, weekday, day, monthName, year] = match;
    const month = MONTHS.findIndex((name) => name === monthName || name.slice(0, 3) === monthName) + 1;
    const date = `${year ?? ''}-${pad(month)}-${pad(Number(day))}`;
    const real = isUkDate(date) && (weekday === undefined || WEEKDAYS[new Date(`${date}T12:00:00Z`).getUTCDay()] === weekday);
    found.push({ text: written.replace(/\s+/g, ' '), ...(real ? { date } : {}) });
  }
  for (const match of text.matchAll(ISO)) {
    const [written] = match;
    found.push({ text: written, ...(isUkDate(written) ? { date: written } : {}) });
  }
  return found;
}

/** The dates in `text` that name no date, or a date not in `allowed`. */
export function unexpectedDates(text: string, allowed: ReadonlySet<UkDate>): string[] {
  return datesIn(text)
    .filter((found) => found.date === undefined || !allowed.has(found.date))
    .map((found) => found.text);
}

const DATE_FIELDS = ['submissionDeadline', 'reviewStart', 'reviewEnd', 'decisionsOpen', 'decisionsClose', 'extendedFrom'] as const;

/**
 * The dates of the calendar under test (every date field of every row, however staff left it),
 * and, for each deadline, the first day evidence counts as current (the same date a year before:
 * the standard's 12-month rule).
 */
export function calendarDates(rows: readonly Record<string, unknown>[]): Set<UkDate> {
  const dates = new Set<UkDate>();
  for (const row of rows) {
    for (const field of DATE_FIELDS) {
      const value = row[field];
      if (typeof value !== 'string') continue;
      const date = value.length === 10 ? value : ukDateOf(new Date(value));
      if (!isUkDate(date)) continue;
      dates.add(date);
      if (field === 'submissionDeadline') dates.add(addUkYears(date, -1));
    }
  }
  return dates;
}

/**
 * Dates derived from what staff (and weqs for them) recorded in the Applications list: when a
 * request arrived, when a decision went and the award's expiry (two years on) with the day its
 * renewal opens, and the due date of a further-information request.
 */
export function applicationDates(rows: readonly Record<string, unknown>[]): Set<UkDate> {
  const dates = new Set<UkDate>();
  const day = (value: unknown): UkDate | undefined => (typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? ukDateOf(new Date(value)) : undefined);
  for (const row of rows) {
    for (const field of ['ReceivedOn', 'DecisionSentOn', 'InformationDueOn']) {
      const date = day(row[field]);
      if (date) dates.add(date);
    }
    const decided = day(row.DecisionSentOn);
    const expires = day(row.AwardExpiresOn) ?? (decided ? addUkYears(decided, 2) : undefined);
    if (expires) dates.add(expires).add(renewalOpensOn(expires));
  }
  return dates;
}

/** HTML reduced to its words, so a date split by tags is still found. */
function htmlText(html: string): string {
  return html
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;|&#160;/g, ' ')
    .replace(/&amp;/g, '&');
}

/**
 * Every email delivered and every card posted, checked against `allowed` plus the day each one
 * arrived (weqs writes "today" as a date in cards and some emails). One line per invented date.
 */
export function inventedDates(state: Pick<EmulatorState, 'outbound' | 'teams'>, allowed: ReadonlySet<UkDate>): string[] {
  const problems: string[] = [];
  const withDay = (at: string): ReadonlySet<UkDate> => new Set([...allowed, ukDateOf(new Date(at))]);
  for (const mail of state.outbound) {
    const allowedHere = withDay(mail.submittedAt);
    const found = [mail.subject, mail.text ?? '', htmlText(mail.html ?? '')].flatMap((part) => unexpectedDates(part, allowedHere));
    for (const text of new Set(found)) problems.push(`email to ${mail.to.join(', ')} "${mail.subject}" (${mail.submittedAt}): ${text}`);
  }
  for (const post of state.teams) {
    const found = unexpectedDates(JSON.stringify(post.card), withDay(post.receivedAt));
    const title = /"text":"([^"]{0,80})/.exec(JSON.stringify(post.card))?.[1] ?? 'card';
    for (const text of new Set(found)) problems.push(`card "${title}" (${post.receivedAt}): ${text}`);
  }
  return problems;
}

/** Every date in the email parts, cards and forms checked: a check that finds none proves nothing. */
export function datesFound(state: Pick<EmulatorState, 'outbound' | 'teams'>, forms: readonly Uint8Array[] = []): number {
  const texts = [...state.outbound.flatMap((mail) => [mail.subject, mail.text ?? '']), ...state.teams.map((post) => JSON.stringify(post.card)), ...forms.map(formText)];
  return texts.reduce((total, text) => total + datesIn(text).length, 0);
}

/**
 * A .docx form's words: the document (runs joined as Word shows them, a line per paragraph) and
 * its properties (title, description). Not the created and modified timestamps: the docx library
 * stamps them with the machine's clock, which a simulated year does not move.
 */
export function formText(docx: Uint8Array): string {
  const parts = unzipSync(docx);
  const document = strFromU8(parts['word/document.xml'] ?? new Uint8Array())
    .replace(/<\/w:p>/g, '\n')
    .replace(/<[^>]*>/g, '');
  const properties = ['docProps/core.xml', 'docProps/app.xml'].map((name) =>
    strFromU8(parts[name] ?? new Uint8Array())
      .replace(/<dcterms:(created|modified)\b[^>]*>[^<]*<\/dcterms:\1>/g, '')
      .replace(/<[^>]*>/g, ' '),
  );
  return [document, ...properties].join('\n').replace(/&amp;/g, '&');
}

/** The dates in a form that are not allowed, beside the day it was issued (`issuedAt`). */
export function inventedDatesInForm(name: string, docx: Uint8Array, issuedAt: string, allowed: ReadonlySet<UkDate>): string[] {
  const found = unexpectedDates(formText(docx), new Set([...allowed, ukDateOf(new Date(issuedAt))]));
  return [...new Set(found)].map((text) => `form ${name}: ${text}`);
}
