import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { calendarWarnings, parseReviewCalendar } from '../../../src/domain/review-calendar-rows.js';
import { describeStandardState, parseReviewCalendarFile } from '../../../src/domain/review-calendar-file.js';
import { nonWorkingDayReason } from '../../../src/domain/working-days.js';
import { itStandardPage } from '../../support/shared-seeds.js';

/**
 * The shipped calendar must hold exactly the cycles the standard's owners published: the "Cycle of
 * review dates" section of the standard's page, shipped verbatim in test/fixtures/standard-page.
 */
const seedsPage = readFileSync(new URL('../../fixtures/standard-page/cycle-of-review-dates.txt', import.meta.url), 'utf8');
const shipped = parseReviewCalendarFile(JSON.parse(readFileSync(new URL('../../../config/review-calendar.json', import.meta.url), 'utf8')));
const example = parseReviewCalendarFile(JSON.parse(readFileSync(new URL('../../../config/examples/review-calendar.example.json', import.meta.url), 'utf8')));

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const iso = (day: string, month: string, year: string): string =>
  `${year}-${String(MONTHS.indexOf(month.toLowerCase()) + 1).padStart(2, '0')}-${day.padStart(2, '0')}`;

/** "1st February - 29th March 2023" or "14th – 28th November 2022": both ends, one year. */
function range(text: string): [string, string] {
  const match = /(\d{1,2})\w{2}\s*([A-Za-z]+)?\s*[-–]\s*(\d{1,2})\w{2}\s+([A-Za-z]+)\s+(\d{4})/.exec(text);
  if (!match) throw new Error(`not a date range: ${text}`);
  const [, d1 = '', m1, d2 = '', m2 = '', year = ''] = match;
  return [iso(d1, m1 ?? m2, year), iso(d2, m2, year)];
}

interface SeedCycle {
  submissionDeadline: string;
  reviewStart?: string;
  reviewEnd?: string;
  decisionsOpen: string;
  decisionsClose: string;
}

function seedCycles(page: string): SeedCycle[] {
  const table = page.slice(page.indexOf('Cycle of review dates'));
  return table
    .split(/\n\s*Cycle \d\s*\n/)
    .slice(1)
    .map((block) => {
      const deadline = /Submission deadline:\s*(\d{1,2})\w{2}\s+([A-Za-z]+)\s+(\d{4})/.exec(block);
      const review = /Period of review:\s*([^\n]+)/.exec(block);
      const decisions = /Decisions communicated:\s*([^\n]+)/.exec(block);
      if (!deadline || !decisions) throw new Error(`unreadable cycle: ${block}`);
      const [decisionsOpen, decisionsClose] = range(decisions[1] ?? '');
      const cycle: SeedCycle = { submissionDeadline: iso(deadline[1] ?? '', deadline[2] ?? '', deadline[3] ?? ''), decisionsOpen, decisionsClose };
      if (review) [cycle.reviewStart, cycle.reviewEnd] = range(review[1] ?? '');
      return cycle;
    });
}

describe('the shipped review calendar', () => {
  it('holds exactly the cycles published on the standard\'s page, all valid', () => {
    const published = seedCycles(seedsPage);
    expect(published).toHaveLength(5);
    const parsed = parseReviewCalendar(shipped.rows);
    expect(parsed.rejected).toEqual([]);
    expect(
      parsed.cycles.map((cycle) => ({
        submissionDeadline: cycle.submissionDeadline,
        ...(cycle.reviewPeriodPublished ? { reviewStart: cycle.reviewStart, reviewEnd: cycle.reviewEnd } : {}),
        decisionsOpen: cycle.decisionsOpen,
        decisionsClose: cycle.decisionsClose,
      })),
    ).toEqual(published);
    expect(parsed.cycles.every((cycle) => cycle.status === 'published' && (cycle.notes ?? '').length > 0)).toBe(true);
  });

  itStandardPage('the shipped excerpt is still word for word the page\'s section', (page) => {
    expect(page.slice(page.indexOf('Cycle of review dates'))).toBe(seedsPage);
  });

  it('records that the standard is paused after a final September 2025 cycle with no published dates', () => {
    expect(shipped.standard).toMatchObject({ state: 'paused', since: '2026-01' });
    const line = describeStandardState(shipped.standard ?? { state: 'open', summary: 'x'.repeat(10), source: 'x'.repeat(5) });
    expect(line).toContain('paused (since January 2026)');
    expect(line).toContain('September 2025');
    expect(line).toMatch(/No dates were published/);
    // No cycle row is invented for the final cycle.
    expect(parseReviewCalendar(shipped.rows).cycles.some((cycle) => cycle.submissionDeadline >= '2024-02-01')).toBe(false);
  });

  it('keeps invented future cycles only in the clearly named example calendar', () => {
    const parsed = parseReviewCalendar(example.rows);
    expect(parsed.rejected).toEqual([]);
    expect(parsed.cycles.length).toBeGreaterThan(0);
    for (const cycle of parsed.cycles) {
      expect(cycle.id).toMatch(/^example-/);
      expect(cycle.notes).toMatch(/EXAMPLE ONLY/);
    }
    expect(parsed.warnings).toEqual([]);
  });
});

describe('nonWorkingDayReason', () => {
  it('names weekends', () => {
    expect(nonWorkingDayReason('2027-09-18')).toBe('a Saturday');
    expect(nonWorkingDayReason('2027-09-19')).toBe('a Sunday');
  });

  it('names bank holidays in England and Wales, including one-off ones', () => {
    expect(nonWorkingDayReason('2022-09-19')).toMatch(/^a bank holiday in England and Wales \(.*Funeral.*\)$/);
    expect(nonWorkingDayReason('2023-05-08')).toMatch(/bank holiday/);
    expect(nonWorkingDayReason('2027-03-29')).toMatch(/Easter Monday/);
    expect(nonWorkingDayReason('2026-12-28')).toMatch(/substitute/);
  });

  it('passes working days, and Scottish-only holidays', () => {
    expect(nonWorkingDayReason('2027-01-18')).toBeUndefined();
    // 2 January and St Andrew's Day are bank holidays in Scotland only.
    expect(nonWorkingDayReason('2024-01-02')).toBeUndefined();
    expect(nonWorkingDayReason('2027-11-30')).toBeUndefined();
  });
});

describe('calendarWarnings', () => {
  const row = (id: string, submissionDeadline: string, decisionsOpen: string, decisionsClose: string, status = 'published') => ({ id, submissionDeadline, decisionsOpen, decisionsClose, status });

  it('warns about a deadline on a weekend or bank holiday, and still uses the row', () => {
    const parsed = parseReviewCalendar([row('sat', '2027-09-18', '2027-10-20', '2027-10-29'), row('ok', '2028-01-18', '2028-03-29', '2028-04-12')]);
    expect(parsed.cycles.map((cycle) => cycle.id)).toEqual(['sat', 'ok']);
    expect(parsed.warnings).toEqual([{ cycleId: 'sat', label: 'sat', message: 'The submission deadline (Saturday 18 September 2027) is a Saturday: check the date.' }]);
  });

  it('warns about the published 19 September 2022 deadline, a bank holiday', () => {
    const warnings = parseReviewCalendar(shipped.rows).warnings;
    expect(warnings.map((warning) => warning.cycleId)).toEqual(['2022-23-c1']);
  });

  it('says nothing about cancelled cycles', () => {
    const { cycles } = parseReviewCalendar([row('gone', '2027-09-18', '2027-10-20', '2027-10-29', 'cancelled')]);
    expect(calendarWarnings(cycles)).toEqual([]);
  });
});
