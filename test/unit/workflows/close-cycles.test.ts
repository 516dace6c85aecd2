import { describe, expect, it } from 'vitest';
import { closeCycles } from '../../../src/workflows/review/close-cycles.js';
import { crashAtEveryStep, fakeReview, readyFolder } from './review-fakes.js';
import type { ReviewWorld } from './review-fakes.js';

// An example calendar for this test only (EXAMPLE ONLY: nobody published these cycles).
const spring = { id: 'test-c1', name: 'Test spring cycle', submissionDeadline: '2027-05-18', reviewStart: '2027-06-01', reviewEnd: '2027-07-27', decisionsOpen: '2027-07-28', decisionsClose: '2027-08-11' };
const autumn = { id: 'test-c2', name: 'Test autumn cycle', submissionDeadline: '2027-09-20', reviewStart: '2027-10-04', reviewEnd: '2027-11-29', decisionsOpen: '2027-11-30', decisionsClose: '2027-12-14' };
/** The hour after the spring deadline (the end of 18 May, UK time). */
const afterDeadline = { now: new Date('2027-05-18T23:30:00Z'), dryRun: false };

/** One ready application and one that is not, both for the spring cycle; one for autumn. */
async function world(calendarRows: unknown[] = [spring, autumn]): Promise<ReviewWorld> {
  return fakeReview({
    calendarRows,
    rows: [{ targetCycleId: 'test-c1' }, { targetCycleId: 'test-c1' }, { targetCycleId: 'test-c2' }],
    folders: { 'folder-1': await readyFolder('WEQS-T-1') },
  });
}

describe('closing a cycle at its deadline', () => {
  it('puts ready applications into review read-only, moves the others to the next cycle with the reason, and tells staff once', async () => {
    const w = await world();
    const actions = await closeCycles(w.deps, afterDeadline);
    expect(actions.map((action) => [action.reference, action.action])).toEqual([
      ['WEQS-T-1', 'enters review for Test spring cycle; folder read-only'],
      ['WEQS-T-2', expect.stringMatching(/^not ready \(.+\); moves to Test autumn cycle$/)],
    ]);
    expect(w.sentIntentsInOrder()).toEqual(['entered-review:WEQS-T-1:test-c1:2027-05-18', 'rolled-over:WEQS-T-2:test-c1:2027-05-18']);
    expect(w.sent.map((mail) => mail.to)).toEqual(['lead1@nhs.example', 'lead2@nhs.example']);
    expect(w.application('WEQS-T-1')).toMatchObject({ status: 'in review', targetCycleId: 'test-c1' });
    expect(w.application('WEQS-T-2')).toMatchObject({ status: 'open', targetCycleId: 'test-c2' });
    expect(w.application('WEQS-T-3')).toMatchObject({ status: 'open', targetCycleId: 'test-c2' });
    expect(w.roles.get('folder-1')).toBe('read');
    expect(w.roles.get('folder-2')).toBe('write');
    expect(w.cards).toHaveLength(1);
    expect(JSON.stringify(w.cards[0])).toContain('Test spring cycle');
  });

  it('does nothing more on a later run, nor before any deadline has passed', async () => {
    const w = await world();
    await closeCycles(w.deps, afterDeadline);
    // The rolled-over application now targets autumn, whose deadline has not passed.
    expect(await closeCycles(w.deps, afterDeadline)).toEqual([]);
    expect(w.sent).toHaveLength(2);
    expect(w.cards).toHaveLength(1);
    const early = await world();
    expect(await closeCycles(early.deps, { now: new Date('2027-05-18T12:00:00Z'), dryRun: false })).toEqual([]);
    expect(early.sent).toEqual([]);
  });

  it('leaves an application waiting with no target while no later cycle is published', async () => {
    const w = await world([spring]);
    const actions = await closeCycles(w.deps, afterDeadline);
    expect(actions[1]?.action).toMatch(/moves to the next published cycle$/);
    expect(w.application('WEQS-T-2').targetCycleId).toBeUndefined();
  });

  it('keeps the verdict of an earlier run: an application told it entered review is not judged again', async () => {
    const w = await world();
    w.failing = { name: 'applications.update', error: new Error('SharePoint is unavailable') };
    const failed = await closeCycles(w.deps, afterDeadline);
    expect(failed.every((action) => /failed, will retry on the next run/.test(action.action))).toBe(true);
    w.failing = undefined;
    const again = await closeCycles(w.deps, afterDeadline);
    expect(again.map((action) => action.action)).toEqual(['enters review for Test spring cycle; folder read-only', 'not ready (decided on an earlier run); moves to Test autumn cycle']);
    expect(w.sent).toHaveLength(2);
    expect(w.application('WEQS-T-1').status).toBe('in review');
  });

  it('reports an application without a folder on record and carries on with the rest', async () => {
    const w = await world();
    w.claimsByKey.delete('org-1');
    const actions = await closeCycles(w.deps, afterDeadline);
    expect(actions[0]?.action).toMatch(/failed, will retry on the next run: the application has no evidence folder on record/);
    expect(w.sent.map((mail) => mail.to)).toEqual(['lead2@nhs.example']);
  });

  it('previews the verdicts in a dry run without sending or changing anything', async () => {
    const w = await world();
    const actions = await closeCycles(w.deps, { ...afterDeadline, dryRun: true });
    expect(actions).toHaveLength(2);
    expect(w.sent).toEqual([]);
    expect(w.updates).toEqual([]);
    expect(w.cards).toEqual([]);
  });

  it.each([
    ['another run is sending it', 'in-progress' as const],
    ['it may have gone moments ago', { kind: 'later' as const, reason: 'send-outcome-unknown' as const, detail: 'The email may have been sent moments ago; checking again later.' }],
    ['the sending rate is full', { kind: 'later' as const, reason: 'send-rate-busy' as const, detail: 'The sending rate is full for now.' }],
  ])('moves nothing on while an email cannot settle (%s), and finishes on the next run', async (_why, unsettled) => {
    const w = await world();
    const sendOnce = w.deps.outgoing.sendOnce.bind(w.deps.outgoing);
    w.deps.outgoing.sendOnce = async () => unsettled;
    const actions = await closeCycles(w.deps, afterDeadline);
    expect(actions.map((action) => action.action)).toEqual([expect.stringMatching(/ — failed, will retry on the next run: /), expect.stringMatching(/ — failed, will retry on the next run: /)]);
    expect(w.application('WEQS-T-1')).toMatchObject({ status: 'open', targetCycleId: 'test-c1' });
    expect(w.application('WEQS-T-2')).toMatchObject({ status: 'open', targetCycleId: 'test-c1' });
    expect(w.cards).toEqual([]);
    w.deps.outgoing.sendOnce = sendOnce;
    await closeCycles(w.deps, afterDeadline);
    expect(w.application('WEQS-T-1')).toMatchObject({ status: 'in review', targetCycleId: 'test-c1' });
    expect(w.application('WEQS-T-2')).toMatchObject({ status: 'open', targetCycleId: 'test-c2' });
  });

  it('emails each applicant at most once, and ends as an uninterrupted run does, whichever step the process dies at', async () => {
    const ready = await readyFolder('WEQS-T-1');
    const make = () => fakeReview({ calendarRows: [spring, autumn], rows: [{ targetCycleId: 'test-c1' }, { targetCycleId: 'test-c1' }], folders: { 'folder-1': ready } });
    const tried = await crashAtEveryStep(make, closeCycles, afterDeadline, (actual, expected, label) => expect(actual, label).toEqual(expected));
    expect(tried).toBeGreaterThan(10);
  });
});
