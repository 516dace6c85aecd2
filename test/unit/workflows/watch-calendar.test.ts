import { describe, expect, it } from 'vitest';
import { watchCalendar } from '../../../src/workflows/review/watch-calendar.js';
import { crashAtEveryStep, fakeReview } from './review-fakes.js';
import type { ReviewWorld } from './review-fakes.js';

// An example calendar for this test only (EXAMPLE ONLY: nobody published these cycles).
const summer = { id: 'test-c1', name: 'Test summer cycle', submissionDeadline: '2027-06-21', reviewStart: '2027-07-05', reviewEnd: '2027-08-27', decisionsOpen: '2027-08-31', decisionsClose: '2027-09-14' };
/** Its decisions open before its review ends: staff typed it wrong. */
const broken = { id: 'test-bad', name: 'Typo cycle', submissionDeadline: '2028-05-18', reviewStart: '2028-06-01', reviewEnd: '2028-07-27', decisionsOpen: '2028-05-01', decisionsClose: '2028-05-14' };
const now = { now: new Date('2027-04-20T11:00:00Z'), dryRun: false };

/** Two applications waiting with no target while reviews were paused, one already targeting the cycle. */
function world(calendarRows: unknown[] = [summer]): ReviewWorld {
  return fakeReview({ calendarRows, rows: [{}, {}, { targetCycleId: 'test-c1' }, { status: 'in review' }] });
}

describe('watching the calendar staff edit', () => {
  it('gives waiting applications the newly published cycle, tells each applicant once with its dates, and tells staff once', async () => {
    const w = world();
    const actions = await watchCalendar(w.deps, now);
    expect(actions.map((action) => [action.reference, action.action])).toEqual([
      ['WEQS-T-1', 'reviews resumed: now targets Test summer cycle'],
      ['WEQS-T-2', 'reviews resumed: now targets Test summer cycle'],
    ]);
    expect(w.sentIntentsInOrder()).toEqual(['reviews-resumed:WEQS-T-1:test-c1', 'reviews-resumed:WEQS-T-2:test-c1']);
    expect(w.sent[0]?.subject).toMatch(/^Review dates published – /);
    expect(w.sent[0]?.text.replace(/\s+/g, ' ')).toContain('21 June 2027');
    expect(w.applications.map((application) => application.targetCycleId)).toEqual(['test-c1', 'test-c1', 'test-c1', undefined]);
    expect(w.cards).toHaveLength(1);
    expect(JSON.stringify(w.cards[0])).toContain('Test summer cycle');
    expect(await watchCalendar(w.deps, now)).toEqual([]);
    expect(w.sent).toHaveLength(2);
    expect(w.cards).toHaveLength(1);
  });

  it('has nothing to do while no future cycle is published, and records the cycles as seen', async () => {
    const w = world();
    expect(await watchCalendar(w.deps, { now: new Date('2027-07-01T11:00:00Z'), dryRun: false })).toEqual([]);
    expect(w.sent).toEqual([]);
    expect(w.cards).toEqual([]);
    expect(JSON.parse(w.state.get('review-calendar-seen') ?? '{}')).toHaveProperty('test-c1');
  });

  it('tells staff once about rows it ignores, with the reasons, and still uses the valid rows', async () => {
    const w = world([summer, broken]);
    const actions = await watchCalendar(w.deps, now);
    expect(actions[0]?.action).toMatch(/^1 calendar row\(s\) ignored: .*test-bad/i);
    expect(w.sent).toHaveLength(2);
    await watchCalendar(w.deps, now);
    expect(w.cards.filter((card) => /ignored|invalid/i.test(JSON.stringify(card)))).toHaveLength(1);
  });

  it('tries a failed email again on the next run and only then moves the application to the cycle', async () => {
    const w = world();
    w.failing = { name: 'outgoing.sendOnce', error: new Error('Graph said 503') };
    expect((await watchCalendar(w.deps, now))[0]?.action).toMatch(/failed, will retry on the next run: Graph said 503/);
    expect(w.application('WEQS-T-1').targetCycleId).toBeUndefined();
    w.failing = undefined;
    await watchCalendar(w.deps, now);
    expect(w.sent).toHaveLength(2);
    expect(w.application('WEQS-T-1').targetCycleId).toBe('test-c1');
  });

  it('changes nothing in a dry run', async () => {
    const w = world([summer, broken]);
    expect(await watchCalendar(w.deps, { ...now, dryRun: true })).toHaveLength(3);
    expect(w.sent).toEqual([]);
    expect(w.cards).toEqual([]);
    expect(w.updates).toEqual([]);
    expect(w.state.size).toBe(0);
  });

  it('tells each waiting applicant at most once, and ends as an uninterrupted run does, whichever step the process dies at', async () => {
    const tried = await crashAtEveryStep(() => world(), watchCalendar, now, (actual, expected, label) => expect(actual, label).toEqual(expected));
    expect(tried).toBeGreaterThan(8);
  });
});
