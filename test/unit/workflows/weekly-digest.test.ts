import { describe, expect, it } from 'vitest';
import { postWeeklyDigest } from '../../../src/workflows/review/weekly-digest.js';
import { crashAtEveryStep, fakeReview, readyFolder } from './review-fakes.js';
import type { ReviewWorld } from './review-fakes.js';

// An example calendar for this test only (EXAMPLE ONLY: nobody published this cycle).
const spring = { id: 'test-c1', name: 'Test spring cycle', submissionDeadline: '2027-05-18', reviewStart: '2027-06-01', reviewEnd: '2027-07-27', decisionsOpen: '2027-07-28', decisionsClose: '2027-08-11' };
/** Monday 19 April 2027, 08:00 UK time. */
const monday = { now: new Date('2027-04-19T07:00:00Z'), dryRun: false };

async function world(calendarRows: unknown[] = [spring]): Promise<ReviewWorld> {
  return fakeReview({
    calendarRows,
    rows: [
      { targetCycleId: 'test-c1', receivedAt: '2027-04-15T10:00:00Z', organisationName: 'New Hospice' },
      { targetCycleId: 'test-c1', receivedAt: '2027-01-10T10:00:00Z' },
      { status: 'in review', targetCycleId: 'test-c0', decisionReady: true, award: 'gold' },
      { status: 'decided', award: 'silver', awardExpiresOn: '2027-06-30T12:00:00Z', organisationName: 'Expiring Trust' },
      { status: 'decided', award: 'gold', awardExpiresOn: '2029-06-30T12:00:00Z' },
    ],
    folders: { 'folder-1': await readyFolder('WEQS-T-1') },
  });
}

const text = (review: ReviewWorld): string => JSON.stringify(review.cards);

describe('the weekly digest', () => {
  it('posts one card a week with new applications, the next deadline, readiness, decisions due and awards expiring soon', async () => {
    const w = await world();
    const actions = await postWeeklyDigest(w.deps, monday);
    expect(actions.map((action) => action.action)).toEqual(['weekly digest: 1 new, 1 ready and 1 not ready for the next deadline, 1 awards expiring within 90 days']);
    expect(w.cards).toHaveLength(1);
    expect(text(w)).toContain('Weekly summary: week of 19 Apr 2027');
    expect(text(w)).toContain('New Hospice');
    expect(text(w)).toContain('Expiring Trust');
    expect(text(w)).toContain('Test spring cycle');
    // Later in the same week: nothing more.
    await postWeeklyDigest(w.deps, { now: new Date('2027-04-21T07:00:00Z'), dryRun: false });
    expect(w.cards).toHaveLength(1);
    expect(w.sent).toEqual([]);
  });

  it('says no deadline is published while reviews are paused, and reads no folder', async () => {
    const w = await world([]);
    expect((await postWeeklyDigest(w.deps, monday))[0]?.action).toBe('weekly digest: 1 new, 0 ready and 0 not ready for the next deadline, 1 awards expiring within 90 days');
    expect(text(w)).toContain('None published');
    expect(w.calls).not.toContain('folders.read');
  });

  it('leaves out the readiness it cannot read and still posts', async () => {
    const w = await world();
    w.failing = { name: 'folders.read', error: new Error('Graph said 503') };
    expect((await postWeeklyDigest(w.deps, monday))[0]?.action).toMatch(/0 ready and 0 not ready/);
    expect(w.cards).toHaveLength(1);
  });

  it('posts nothing in a dry run', async () => {
    const w = await world();
    expect(await postWeeklyDigest(w.deps, { ...monday, dryRun: true })).toHaveLength(1);
    expect(w.cards).toEqual([]);
  });

  it('sends no email and records the week, whichever step the process dies at', async () => {
    const ready = await readyFolder('WEQS-T-1');
    const make = () => fakeReview({ calendarRows: [spring], rows: [{ targetCycleId: 'test-c1' }], folders: { 'folder-1': ready } });
    const tried = await crashAtEveryStep(make, postWeeklyDigest, monday, (actual, expected, label) => expect(actual, label).toEqual(expected));
    expect(tried).toBeGreaterThan(4);
  });
});
