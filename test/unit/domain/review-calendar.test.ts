import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseReviewCalendarFile } from '../../../src/domain/review-calendar-file.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addUkDays, addUkYears, formatUkDate, isUkDate, ukDateOf, ukDaysBetween, ukEndOfDay, ukStartOfDay } from '../../../src/domain/uk-dates.js';
import { currentAndNextCycles, cycleInReview, cycleInstants, cyclePhase, deadlineInstant, decisionWindowStatus, findCycle, nextSubmissionCycle, type ReviewCycle } from '../../../src/domain/review-calendar.js';
import { parseReviewCalendar } from '../../../src/domain/review-calendar-rows.js';

/** The cycles published on the quality standard page, as staff would enter them. */
export const seedRows = [
  { id: '2022-23-c1', name: '2022/23 Cycle 1', submissionDeadline: '2022-09-19', decisionsOpen: '2022-11-14', decisionsClose: '2022-11-28' },
  {
    id: '2022-23-c2',
    name: '2022/23 Cycle 2',
    submissionDeadline: '2023-01-18',
    reviewStart: '2023-02-01',
    reviewEnd: '2023-03-29',
    decisionsOpen: '2023-03-31',
    decisionsClose: '2023-04-14',
  },
  {
    id: '2023-24-c1',
    name: '2023/24 Cycle 1',
    submissionDeadline: '2023-05-18',
    reviewStart: '2023-06-01',
    reviewEnd: '2023-07-27',
    decisionsOpen: '2023-07-28',
    decisionsClose: '2023-08-11',
  },
  {
    id: '2023-24-c2',
    name: '2023/24 Cycle 2',
    submissionDeadline: '2023-09-18',
    reviewStart: '2023-10-02',
    reviewEnd: '2023-11-27',
    decisionsOpen: '2023-11-28',
    decisionsClose: '2023-12-12',
  },
  {
    id: '2023-24-c3',
    name: '2023/24 Cycle 3',
    submissionDeadline: '2024-01-18',
    reviewStart: '2024-02-01',
    reviewEnd: '2024-03-28',
    decisionsOpen: '2024-03-29',
    decisionsClose: '2024-04-12',
  },
];

/** A well-formed row around a deadline, following the seeds' pattern. */
export function cycleRow(id: string, deadline: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    name: `Cycle ${id}`,
    submissionDeadline: deadline,
    reviewStart: addUkDays(deadline, 14),
    reviewEnd: addUkDays(deadline, 70),
    decisionsOpen: addUkDays(deadline, 71),
    decisionsClose: addUkDays(deadline, 85),
    ...overrides,
  };
}

function parseOne(row: Record<string, unknown>): ReviewCycle {
  const { cycles, rejected } = parseReviewCalendar([row]);
  expect(rejected).toEqual([]);
  const [cycle] = cycles;
  if (!cycle) throw new Error('expected a cycle');
  return cycle;
}

function reasonsFor(row: unknown): string[] {
  const { cycles, rejected } = parseReviewCalendar([row]);
  expect(cycles).toEqual([]);
  return rejected[0]?.reasons ?? [];
}

const configPath = fileURLToPath(new URL('../../../config/review-calendar.json', import.meta.url));
const shippedCalendar = parseReviewCalendar(parseReviewCalendarFile(JSON.parse(readFileSync(configPath, 'utf8'))).rows);
/** The published cycles plus future cycles invented for these tests (nobody published them). */
const inventedFutureRows = [{"id": "2026-27-c1", "name": "2026/27 Cycle 1", "submissionDeadline": "2027-01-18", "reviewStart": "2027-02-01", "reviewEnd": "2027-03-31", "decisionsOpen": "2027-04-01", "decisionsClose": "2027-04-15"}, {"id": "2026-27-c2", "name": "2026/27 Cycle 2", "submissionDeadline": "2027-05-18", "reviewStart": "2027-06-01", "reviewEnd": "2027-07-27", "decisionsOpen": "2027-07-28", "decisionsClose": "2027-08-11"}, {"id": "2026-27-c3", "name": "2026/27 Cycle 3", "submissionDeadline": "2027-09-20", "reviewStart": "2027-10-04", "reviewEnd": "2027-11-29", "decisionsOpen": "2027-11-30", "decisionsClose": "2027-12-14"}];
const localCalendar = parseReviewCalendar([...parseReviewCalendarFile(JSON.parse(readFileSync(configPath, 'utf8'))).rows, ...inventedFutureRows]);

const ukDateArbitrary = fc
  .date({ min: new Date('2000-01-01T12:00:00Z'), max: new Date('2099-12-30T12:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));

describe('UK calendar dates', () => {
  it('ends a January deadline day at 23:59:59.999 UTC (GMT)', () => {
    expect(ukEndOfDay('2027-01-18').toISOString()).toBe('2027-01-18T23:59:59.999Z');
  });

  it('ends a summer deadline day at 22:59:59.999 UTC (BST)', () => {
    expect(ukEndOfDay('2027-05-18').toISOString()).toBe('2027-05-18T22:59:59.999Z');
  });

  it('ends the day the clocks go forward (last Sunday of March) in BST', () => {
    expect(ukEndOfDay('2027-03-28').toISOString()).toBe('2027-03-28T22:59:59.999Z');
    expect(ukEndOfDay('2026-03-29').toISOString()).toBe('2026-03-29T22:59:59.999Z');
  });

  it('ends the Saturday before the clocks go forward in GMT', () => {
    expect(ukEndOfDay('2027-03-27').toISOString()).toBe('2027-03-27T23:59:59.999Z');
  });

  it('ends the day the clocks go back (last Sunday of October) in GMT', () => {
    expect(ukEndOfDay('2027-10-31').toISOString()).toBe('2027-10-31T23:59:59.999Z');
    expect(ukEndOfDay('2026-10-25').toISOString()).toBe('2026-10-25T23:59:59.999Z');
  });

  it('ends the Saturday before the clocks go back in BST', () => {
    expect(ukEndOfDay('2027-10-30').toISOString()).toBe('2027-10-30T22:59:59.999Z');
  });

  it('starts a UK day at midnight local time on both sides of a clock change', () => {
    expect(ukStartOfDay('2027-03-28').toISOString()).toBe('2027-03-28T00:00:00.000Z');
    expect(ukStartOfDay('2027-03-29').toISOString()).toBe('2027-03-28T23:00:00.000Z');
    expect(ukStartOfDay('2027-10-31').toISOString()).toBe('2027-10-30T23:00:00.000Z');
    expect(ukStartOfDay('2027-11-01').toISOString()).toBe('2027-11-01T00:00:00.000Z');
  });

  it('reads an instant late in a BST evening as the next UK day', () => {
    expect(ukDateOf(new Date('2026-06-17T23:30:00Z'))).toBe('2026-06-18');
    expect(ukDateOf(new Date('2026-01-17T23:30:00Z'))).toBe('2026-01-17');
  });

  it('knows which dates are real, including leap days', () => {
    expect(isUkDate('2028-02-29')).toBe(true);
    expect(isUkDate('2027-02-29')).toBe(false);
    expect(isUkDate('2100-02-28')).toBe(false);
    expect(isUkDate('2027-13-01')).toBe(false);
    expect(isUkDate('18/01/2027')).toBe(false);
  });

  it('moves 29 February to 28 February when adding a year, and keeps it in a leap year', () => {
    expect(addUkYears('2028-02-29', 1)).toBe('2029-02-28');
    expect(addUkYears('2028-02-29', 4)).toBe('2032-02-29');
    expect(addUkYears('2028-02-29', -1)).toBe('2027-02-28');
  });

  it('counts calendar days across a clock change as whole days', () => {
    expect(ukDaysBetween('2027-03-27', '2027-03-29')).toBe(2);
    expect(addUkDays('2027-10-30', 2)).toBe('2027-11-01');
  });

  it('for any date, the deadline instant is the last millisecond of that UK day', () => {
    fc.assert(
      fc.property(ukDateArbitrary, (date) => {
        const end = ukEndOfDay(date);
        expect(ukDateOf(end)).toBe(date);
        expect(ukDateOf(new Date(end.getTime() + 1))).toBe(addUkDays(date, 1));
        expect(ukStartOfDay(addUkDays(date, 1)).getTime()).toBe(end.getTime() + 1);
      }),
    );
  });

  it('for any date, the day starts at UK midnight, which is 00:00 or 23:00 UTC', () => {
    fc.assert(
      fc.property(ukDateArbitrary, (date) => {
        const start = ukStartOfDay(date);
        expect(ukDateOf(start)).toBe(date);
        expect(ukDateOf(new Date(start.getTime() - 1))).toBe(addUkDays(date, -1));
        expect([0, 23]).toContain(start.getUTCHours());
      }),
    );
  });
});

describe('formatUkDate', () => {
  it('writes the long form with the weekday for emails', () => {
    expect(formatUkDate('2027-01-18')).toBe('Monday 18 January 2027');
  });

  it('writes the short form with a three-letter month, including September', () => {
    expect(formatUkDate('2027-01-18', 'short')).toBe('18 Jan 2027');
    expect(formatUkDate('2027-09-18', 'short')).toBe('18 Sep 2027');
  });

  it('writes the medium form without the weekday', () => {
    expect(formatUkDate('2027-03-01', 'medium')).toBe('1 March 2027');
  });

  it('formats an instant as its UK day', () => {
    expect(formatUkDate(new Date('2027-05-18T22:59:59.999Z'), 'short')).toBe('18 May 2027');
    expect(formatUkDate(new Date('2027-05-18T23:00:00.000Z'), 'short')).toBe('19 May 2027');
  });

  it('refuses something that is not a date', () => {
    expect(() => formatUkDate('2027-02-30')).toThrow(RangeError);
  });
});

describe('parseReviewCalendar', () => {
  it('parses the cycles published on the quality standard page without rejecting any', () => {
    const { cycles, rejected } = parseReviewCalendar(seedRows);
    expect(rejected).toEqual([]);
    expect(cycles.map((c) => c.id)).toEqual(['2022-23-c1', '2022-23-c2', '2023-24-c1', '2023-24-c2', '2023-24-c3']);
    expect(cycles[2]).toEqual({
      id: '2023-24-c1',
      name: '2023/24 Cycle 1',
      submissionDeadline: '2023-05-18',
      reviewStart: '2023-06-01',
      reviewEnd: '2023-07-27',
      reviewPeriodPublished: true,
      decisionsOpen: '2023-07-28',
      decisionsClose: '2023-08-11',
      status: 'published',
    });
  });

  it('takes the review period of 2022/23 Cycle 1, which was never published, as the days between deadline and decisions', () => {
    const cycle = parseOne(seedRows[0] as Record<string, unknown>);
    expect(cycle).toMatchObject({ reviewStart: '2022-09-20', reviewEnd: '2022-11-13', reviewPeriodPublished: false });
  });

  it('parses the shipped calendar file: the seeds and nothing else', () => {
    expect(shippedCalendar.rejected).toEqual([]);
    expect(shippedCalendar.cycles.map((c) => c.submissionDeadline)).toEqual(['2022-09-19', '2023-01-18', '2023-05-18', '2023-09-18', '2024-01-18']);
  });

  it('returns cycles in deadline order whatever the row order', () => {
    const { cycles } = parseReviewCalendar([...seedRows].reverse());
    expect(cycles.map((c) => c.submissionDeadline)).toEqual([...cycles.map((c) => c.submissionDeadline)].sort());
  });

  it('accepts SharePoint column names, a Title and the UTC instants Graph returns for date-only columns', () => {
    const cycle = parseOne({
      id: '20',
      CycleId: '2026-27-c2',
      Title: '2026/27 Cycle 2',
      SubmissionDeadline: '2027-05-17T23:00:00Z',
      ReviewStart: '2027-05-31T23:00:00Z',
      ReviewEnd: '2027-07-26T23:00:00Z',
      DecisionsOpen: '2027-07-27T23:00:00Z',
      DecisionsClose: '2027-08-10T23:00:00Z',
      ExtendedFrom: null,
      Status: 'Published',
      Notes: '',
      '@odata.etag': '"abc,1"',
    });
    expect(cycle).toEqual({
      id: '2026-27-c2',
      name: '2026/27 Cycle 2',
      submissionDeadline: '2027-05-18',
      reviewStart: '2027-06-01',
      reviewEnd: '2027-07-27',
      reviewPeriodPublished: true,
      decisionsOpen: '2027-07-28',
      decisionsClose: '2027-08-11',
      status: 'published',
    });
  });

  it('uses the ID as the name when no name is given', () => {
    const row = cycleRow('2027-x', '2027-01-18');
    delete row.name;
    expect(parseOne(row).name).toBe('2027-x');
  });

  it('keeps the original date of a moved deadline', () => {
    const cycle = parseOne(cycleRow('moved', '2027-02-01', { extendedFrom: '2027-01-18' }));
    expect(cycle.extendedFrom).toBe('2027-01-18');
    expect(deadlineInstant(cycle).toISOString()).toBe('2027-02-01T23:59:59.999Z');
  });

  it('rejects a date that does not exist, naming the field and the value', () => {
    const reasons = reasonsFor(cycleRow('c', '2027-02-30'));
    expect(reasons).toEqual([expect.stringMatching(/^Submission deadline '2027-02-30' is not a real date/)]);
  });

  it('rejects a date written day-first and shows the form to use', () => {
    const reasons = reasonsFor(cycleRow('c', '2027-01-18', { decisionsClose: '18/04/2027' }));
    expect(reasons).toEqual([expect.stringContaining("Decisions close '18/04/2027' is not written as year-month-day: use the form 2027-01-18")]);
  });

  it('rejects a mistyped year', () => {
    expect(reasonsFor(cycleRow('c', '2027-01-18', { decisionsClose: '0207-04-18' }))).toEqual([
      expect.stringContaining('has the year 207: check the year'),
    ]);
  });

  it('rejects a row without an ID or deadline and reports every missing field at once', () => {
    const reasons = reasonsFor({ name: 'Spring', decisionsOpen: '2027-04-01' });
    expect(reasons).toEqual([
      expect.stringContaining('Cycle ID is missing'),
      expect.stringContaining('Submission deadline is missing'),
      expect.stringContaining('Decisions close is missing'),
    ]);
  });

  it('rejects a review that starts on the deadline day, because the deadline runs to the end of that day', () => {
    const reasons = reasonsFor(cycleRow('c', '2027-01-18', { reviewStart: '2027-01-18' }));
    expect(reasons).toEqual([
      'Review start (18 Jan 2027) must be after the submission deadline (18 Jan 2027): applicants can upload until the end of the deadline day.',
    ]);
  });

  it('accepts a review that starts the day after the deadline and lasts one day', () => {
    const cycle = parseOne(
      cycleRow('c', '2027-01-18', { reviewStart: '2027-01-19', reviewEnd: '2027-01-19', decisionsOpen: '2027-01-20', decisionsClose: '2027-01-20' }),
    );
    expect(cycle.reviewEnd).toBe('2027-01-19');
  });

  it('rejects each date out of order with its own reason', () => {
    const reasons = reasonsFor(
      cycleRow('c', '2027-01-18', { reviewStart: '2027-03-01', reviewEnd: '2027-02-01', decisionsOpen: '2027-02-01', decisionsClose: '2027-01-31' }),
    );
    expect(reasons).toEqual([
      'Review end (1 Feb 2027) is before review start (1 Mar 2027).',
      'Decisions open (1 Feb 2027) must be after review end (1 Feb 2027).',
      'Decisions close (31 Jan 2027) is before decisions open (1 Feb 2027).',
    ]);
  });

  it('rejects a review period with only one of its dates', () => {
    const row = cycleRow('c', '2027-01-18');
    delete row.reviewEnd;
    expect(reasonsFor(row)).toEqual([expect.stringContaining('Review end is missing: give both review dates')]);
  });

  it('rejects decisions opening the day after the deadline when no review period is given', () => {
    const reasons = reasonsFor({ id: 'c', submissionDeadline: '2027-01-18', decisionsOpen: '2027-01-19', decisionsClose: '2027-01-30' });
    expect(reasons).toEqual([expect.stringContaining('must be at least two days after the submission deadline')]);
  });

  it('rejects an unknown status and an extension date equal to the deadline', () => {
    expect(reasonsFor(cycleRow('c', '2027-01-18', { status: 'Live' }))).toEqual([
      expect.stringContaining('Status "Live" is not recognised: use published, draft or cancelled'),
    ]);
    expect(reasonsFor(cycleRow('c', '2027-01-18', { extendedFrom: '2027-01-18' }))).toEqual([
      expect.stringContaining('Extended from (18 Jan 2027) is the same as the submission deadline'),
    ]);
  });

  it('rejects a row that is not an object', () => {
    const { rejected } = parseReviewCalendar(['2027-01-18']);
    expect(rejected).toEqual([{ row: 0, label: 'Row 1', reasons: [expect.stringContaining('is not a calendar entry')] }]);
  });

  it('rejects every row that shares an ID, ignoring case, and keeps the rest', () => {
    const { cycles, rejected } = parseReviewCalendar([
      cycleRow('2027-c1', '2027-01-18'),
      cycleRow('2027-C1', '2027-05-18'),
      cycleRow('2027-c3', '2027-09-18'),
    ]);
    expect(cycles.map((c) => c.id)).toEqual(['2027-c3']);
    expect(rejected.map((r) => [r.row, r.reasons])).toEqual([
      [0, ["Cycle ID '2027-c1' is also used by row 2: each cycle needs its own ID."]],
      [1, ["Cycle ID '2027-C1' is also used by row 1: each cycle needs its own ID."]],
    ]);
  });

  it('rejects both cycles when one starts before the other finishes its review', () => {
    const { cycles, rejected } = parseReviewCalendar([
      cycleRow('a', '2027-01-18'),
      cycleRow('b', '2027-03-01'),
      cycleRow('c', '2027-09-18'),
    ]);
    expect(cycles.map((c) => c.id)).toEqual(['c']);
    expect(rejected.map((r) => r.label)).toEqual(['Cycle a (a)', 'Cycle b (b)']);
    expect(rejected[0]?.reasons).toEqual([
      "Overlaps 'Cycle b' (ID b, row 2), which runs from its deadline 1 Mar 2027 to its review ending 10 May 2027: a cycle's deadline must come after the previous cycle's review ends.",
    ]);
  });

  it('treats two cycles with the same deadline as overlapping', () => {
    const { cycles, rejected } = parseReviewCalendar([cycleRow('a', '2027-01-18'), cycleRow('b', '2027-01-18')]);
    expect(cycles).toEqual([]);
    expect(rejected).toHaveLength(2);
  });

  it("rejects a deadline on the day the previous cycle's review ends, and accepts the day after", () => {
    const first = cycleRow('a', '2027-01-18', { reviewEnd: '2027-04-15', decisionsOpen: '2027-04-16', decisionsClose: '2027-04-30' });
    expect(parseReviewCalendar([first, cycleRow('b', '2027-04-15')]).rejected).toHaveLength(2);
    expect(parseReviewCalendar([first, cycleRow('b', '2027-04-16')]).rejected).toEqual([]);
  });

  it("accepts an extended review and decision window whose decisions run on past the next cycle's deadline", () => {
    // As published, 2023/24 Cycle 1's decisions closed on 11 August 2023 and Cycle 2's deadline was
    // 18 September 2023. Staff extend Cycle 1's review by three weeks and its decisions by a month.
    const extended = { ...seedRows[2], reviewEnd: '2023-08-17', decisionsOpen: '2023-08-18', decisionsClose: '2023-09-22' };
    const { cycles, rejected } = parseReviewCalendar([extended, seedRows[3]]);
    expect(rejected).toEqual([]);
    expect(cycles.map((c) => [c.id, c.decisionsClose])).toEqual([
      ['2023-24-c1', '2023-09-22'],
      ['2023-24-c2', '2023-12-12'],
    ]);
  });

  it('finds an overlap between cycles that are not next to each other', () => {
    const long = cycleRow('long', '2027-01-18', { reviewEnd: '2027-12-20', decisionsOpen: '2027-12-21', decisionsClose: '2027-12-31' });
    const { rejected } = parseReviewCalendar([long, cycleRow('short', '2027-05-18', { decisionsClose: '2027-08-20' }), cycleRow('late', '2027-09-18')]);
    expect(rejected.map((r) => r.row)).toEqual([0, 1, 2]);
  });

  it('lets draft and cancelled rows overlap published ones and keeps them out of the queries', () => {
    const { cycles, rejected } = parseReviewCalendar([
      cycleRow('old', '2027-01-18', { status: 'cancelled' }),
      cycleRow('new', '2027-02-01', { extendedFrom: '2027-01-18' }),
      cycleRow('idea', '2027-02-15', { status: 'Draft' }),
    ]);
    expect(rejected).toEqual([]);
    expect(cycles.map((c) => [c.id, c.status])).toEqual([
      ['old', 'cancelled'],
      ['new', 'published'],
      ['idea', 'draft'],
    ]);
    expect(nextSubmissionCycle(cycles, new Date('2027-01-01T12:00:00Z'))?.id).toBe('new');
  });

  it('reports bad rows by index, name and ID while still returning the good rows', () => {
    const { cycles, rejected } = parseReviewCalendar([...seedRows, cycleRow('2026-27-c1', '2027-01-32')]);
    expect(cycles).toHaveLength(5);
    expect(rejected).toEqual([{ row: 5, label: 'Cycle 2026-27-c1 (2026-27-c1)', reasons: [expect.stringContaining("'2027-01-32'")] }]);
  });
});

describe('calendar queries', () => {
  const calendar = localCalendar.cycles;
  const at = (iso: string) => new Date(iso);

  it('offers the January 2027 cycle for submissions today (25 November 2026)', () => {
    expect(nextSubmissionCycle(calendar, at('2026-11-25T10:00:00Z'))?.id).toBe('2026-27-c1');
  });

  it('keeps a January deadline open until 23:59:59.999 UTC and moves on a millisecond later', () => {
    expect(nextSubmissionCycle(calendar, at('2027-01-18T23:59:59.999Z'))?.id).toBe('2026-27-c1');
    expect(nextSubmissionCycle(calendar, at('2027-01-19T00:00:00.000Z'))?.id).toBe('2026-27-c2');
  });

  it('closes a May deadline at 22:59:59.999 UTC because the UK is on BST', () => {
    expect(nextSubmissionCycle(calendar, at('2027-05-18T22:59:59.999Z'))?.id).toBe('2026-27-c2');
    expect(nextSubmissionCycle(calendar, at('2027-05-18T23:00:00.000Z'))?.id).toBe('2026-27-c3');
  });

  it('returns no next cycle once the last published deadline has passed (reviews paused)', () => {
    expect(nextSubmissionCycle(calendar, at('2027-09-20T23:00:00Z'))).toBeUndefined();
    expect(nextSubmissionCycle([], at('2027-01-01T00:00:00Z'))).toBeUndefined();
  });

  it('handles deadlines on both clock-change Sundays', () => {
    const { cycles, rejected } = parseReviewCalendar([cycleRow('spring', '2027-03-28'), cycleRow('autumn', '2027-10-31')]);
    expect(rejected).toEqual([]);
    const [spring, autumn] = cycles as [ReviewCycle, ReviewCycle];
    expect(deadlineInstant(spring).toISOString()).toBe('2027-03-28T22:59:59.999Z');
    expect(deadlineInstant(autumn).toISOString()).toBe('2027-10-31T23:59:59.999Z');
    expect(nextSubmissionCycle(cycles, at('2027-03-28T22:59:59.999Z'))?.id).toBe('spring');
    expect(nextSubmissionCycle(cycles, at('2027-03-28T23:00:00.000Z'))?.id).toBe('autumn');
    expect(nextSubmissionCycle(cycles, at('2027-10-31T23:59:59.999Z'))?.id).toBe('autumn');
  });

  it('finds the cycle in review from UK midnight on the first review day to the end of the last', () => {
    expect(cycleInReview(calendar, at('2027-01-31T23:59:59.999Z'))).toBeUndefined();
    expect(cycleInReview(calendar, at('2027-02-01T00:00:00.000Z'))?.id).toBe('2026-27-c1');
    // 31 March 2027 is in BST, so the review ends at 22:59:59.999 UTC.
    expect(cycleInReview(calendar, at('2027-03-31T22:59:59.999Z'))?.id).toBe('2026-27-c1');
    expect(cycleInReview(calendar, at('2027-03-31T23:00:00.000Z'))).toBeUndefined();
  });

  it('starts a BST review period at 23:00 UTC the evening before', () => {
    expect(cycleInReview(calendar, at('2027-05-31T22:59:59.999Z'))).toBeUndefined();
    expect(cycleInReview(calendar, at('2027-05-31T23:00:00.000Z'))?.id).toBe('2026-27-c2');
  });

  it('treats the unpublished 2022 review period as running between deadline and decisions', () => {
    expect(cycleInReview(calendar, at('2022-10-10T09:00:00Z'))?.id).toBe('2022-23-c1');
  });

  it('says whether the decision window is before, open or after, at its exact edges', () => {
    const cycle = findCycle(calendar, '2026-27-c1');
    if (!cycle) throw new Error('missing cycle');
    expect(decisionWindowStatus(cycle, at('2027-03-31T22:59:59.999Z'))).toBe('before');
    expect(decisionWindowStatus(cycle, at('2027-03-31T23:00:00.000Z'))).toBe('open');
    expect(decisionWindowStatus(cycle, at('2027-04-15T22:59:59.999Z'))).toBe('open');
    expect(decisionWindowStatus(cycle, at('2027-04-15T23:00:00.000Z'))).toBe('after');
  });

  it('gives the opening and closing instants of every window', () => {
    const cycle = findCycle(calendar, '2026-27-C3');
    if (!cycle) throw new Error('missing cycle');
    expect(Object.fromEntries(Object.entries(cycleInstants(cycle)).map(([k, v]) => [k, v.toISOString()]))).toEqual({
      deadline: '2027-09-20T22:59:59.999Z',
      reviewStart: '2027-10-03T23:00:00.000Z',
      reviewEnd: '2027-11-29T23:59:59.999Z',
      decisionsOpen: '2027-11-30T00:00:00.000Z',
      decisionsClose: '2027-12-14T23:59:59.999Z',
    });
  });

  it('walks a cycle through its phases', () => {
    const cycle = findCycle(calendar, '2023-24-c2');
    if (!cycle) throw new Error('missing cycle');
    expect(cyclePhase(cycle, at('2023-09-18T12:00:00Z'))).toBe('before-deadline');
    expect(cyclePhase(cycle, at('2023-09-25T12:00:00Z'))).toBe('awaiting-review');
    expect(cyclePhase(cycle, at('2023-10-02T12:00:00Z'))).toBe('in-review');
    expect(cyclePhase(cycle, at('2023-11-28T12:00:00Z'))).toBe('decisions');
    expect(cyclePhase(cycle, at('2023-12-13T12:00:00Z'))).toBe('finished');
    const c2 = findCycle(calendar, '2022-23-c2');
    if (!c2) throw new Error('missing cycle');
    expect(cyclePhase(c2, at('2023-03-30T12:00:00Z'))).toBe('awaiting-decisions');
  });

  it('gives the current cycle (past its deadline, decisions not closed) and the next one', () => {
    const result = currentAndNextCycles(calendar, at('2027-02-10T12:00:00Z'));
    expect(result.current?.id).toBe('2026-27-c1');
    expect(result.next?.id).toBe('2026-27-c2');
    expect(currentAndNextCycles(calendar, at('2026-11-25T12:00:00Z'))).toEqual({ next: findCycle(calendar, '2026-27-c1') });
    expect(currentAndNextCycles(calendar, at('2028-01-01T12:00:00Z'))).toEqual({});
  });
});
