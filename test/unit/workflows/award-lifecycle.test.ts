import { describe, expect, it } from 'vitest';
import { updateAwardLifecycle } from '../../../src/workflows/review/award-lifecycle.js';
import { crashAtEveryStep, fakeReview } from './review-fakes.js';
import type { ReviewWorld } from './review-fakes.js';

// An example calendar for this test only (EXAMPLE ONLY: nobody published this cycle).
const autumn = { id: 'test-c2', name: 'Test autumn cycle', submissionDeadline: '2029-09-17', reviewStart: '2029-10-01', reviewEnd: '2029-11-23', decisionsOpen: '2029-11-26', decisionsClose: '2029-12-07' };
/** The day after the award's last current day. */
const dayAfter = { now: new Date('2029-07-01T05:20:00Z'), dryRun: false };

function world(): ReviewWorld {
  return fakeReview({
    calendarRows: [autumn],
    rows: [
      { status: 'decided', award: 'gold', awardExpiresOn: '2029-06-30T12:00:00Z', odsCode: 'RZZ' },
      // Still current, not awarded, and withdrawn.
      { status: 'decided', award: 'bronze', awardExpiresOn: '2029-07-01T12:00:00Z' },
      { status: 'decided', award: 'not-awarded' },
      { status: 'withdrawn' },
    ],
  });
}

describe('the award lifecycle', () => {
  it('marks an award expired the day after its last day, tells the organisation once with the next deadline, and releases claims', async () => {
    const w = world();
    const actions = await updateAwardLifecycle(w.deps, dayAfter);
    expect(actions.map((action) => [action.reference, action.action])).toEqual([['WEQS-T-1', 'gold award expired on 2029-06-30']]);
    expect(w.sent.map((mail) => [mail.intent, mail.subject.split(' – ')[0]])).toEqual([['award-expired:WEQS-T-1', 'Your gold award has expired']]);
    expect(w.sent[0]?.text.replace(/\s+/g, ' ')).toContain('Test autumn cycle');
    expect(w.application('WEQS-T-1').status).toBe('expired');
    expect(w.application('WEQS-T-2').status).toBe('decided');
    expect(w.concluded).toEqual([
      { reference: 'WEQS-T-1', state: 'expired', award: { level: 'gold', expiresOn: '2029-06-30' } },
      { reference: 'WEQS-T-4', state: 'withdrawn' },
    ]);
    await updateAwardLifecycle(w.deps, dayAfter);
    expect(w.sent).toHaveLength(1);
  });

  it('has nothing to do on the award\'s last current day', async () => {
    const w = world();
    expect(await updateAwardLifecycle(w.deps, { now: new Date('2029-06-30T20:00:00Z'), dryRun: false })).toEqual([]);
    expect(w.sent).toEqual([]);
    expect(w.updates).toEqual([]);
  });

  it('tries again on the next run when the email cannot go', async () => {
    const w = world();
    w.failing = { name: 'outgoing.sendOnce', error: new Error('Graph said 503') };
    expect((await updateAwardLifecycle(w.deps, dayAfter))[0]?.action).toMatch(/failed, will retry on the next run: Graph said 503/);
    expect(w.application('WEQS-T-1').status).toBe('decided');
    w.failing = undefined;
    await updateAwardLifecycle(w.deps, dayAfter);
    expect(w.sent).toHaveLength(1);
    expect(w.application('WEQS-T-1').status).toBe('expired');
  });

  it('changes nothing in a dry run', async () => {
    const w = world();
    expect(await updateAwardLifecycle(w.deps, { ...dayAfter, dryRun: true })).toHaveLength(1);
    expect(w.sent).toEqual([]);
    expect(w.concluded).toEqual([]);
  });

  it('tells the organisation at most once, and ends as an uninterrupted run does, whichever step the process dies at', async () => {
    const tried = await crashAtEveryStep(world, updateAwardLifecycle, dayAfter, (actual, expected, label) => expect(actual, label).toEqual(expected));
    expect(tried).toBeGreaterThan(6);
  });
});
