import { describe, expect, it } from 'vitest';
import { CalendarSource } from '../../../src/workflows/review/calendar-source.js';
import { isReviewJob, reviewJobs, runReviewJob } from '../../../src/workflows/review/review-jobs.js';
import { fakeReview } from './review-fakes.js';

// An example calendar row for this test only (EXAMPLE ONLY: nobody published this cycle).
const spring = { id: 'test-c1', name: 'Test spring cycle', submissionDeadline: '2027-05-18', reviewStart: '2027-06-01', reviewEnd: '2027-07-27', decisionsOpen: '2027-07-28', decisionsClose: '2027-08-11' };

describe('the review jobs by name', () => {
  it('knows every job the timers and the command line name, and nothing else', () => {
    expect(Object.keys(reviewJobs).sort()).toEqual(['awards', 'calendar', 'close-cycle', 'decisions', 'digest', 'folder-access', 'information-requests', 'reminders']);
    expect(isReviewJob('digest')).toBe(true);
    expect(isReviewJob('toString')).toBe(false);
  });

  it('runs a job and returns what it did', async () => {
    const review = fakeReview({ calendarRows: [spring], rows: [{}] });
    const actions = await runReviewJob('calendar', review.deps, { now: new Date('2027-04-20T11:00:00Z'), dryRun: false }, 'correlation-1');
    expect(actions.map((action) => action.action)).toEqual(['reviews resumed: now targets Test spring cycle']);
  });
});

describe('the calendar source', () => {
  it('reads the list once while its copy is fresh, leaves invalid rows out, and reads again when told to keep nothing', async () => {
    let reads = 0;
    const rows = async (): Promise<Record<string, unknown>[]> => {
      reads += 1;
      return [spring, { id: 'broken', name: 'Broken', submissionDeadline: 'not a date' }];
    };
    const cached = new CalendarSource(rows, 60_000);
    const first = await cached.get();
    await cached.get();
    expect(reads).toBe(1);
    expect(first.cycles.map((cycle) => cycle.id)).toEqual(['test-c1']);
    expect(first.rejected.map((row) => row.label)).toEqual([expect.stringContaining('broken')]);
    const uncached = new CalendarSource(rows, 0);
    await uncached.get();
    await uncached.get();
    expect(reads).toBe(3);
  });
});
