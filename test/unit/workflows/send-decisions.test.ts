import { describe, expect, it } from 'vitest';
import { sendDecisions } from '../../../src/workflows/review/send-decisions.js';
import { crashAtEveryStep, fakeReview } from './review-fakes.js';
import type { ReviewWorld } from './review-fakes.js';

// An example calendar for this test only (EXAMPLE ONLY: nobody published these cycles).
const spring = { id: 'test-c1', name: 'Test spring cycle', submissionDeadline: '2027-05-18', reviewStart: '2027-06-01', reviewEnd: '2027-07-27', decisionsOpen: '2027-07-28', decisionsClose: '2027-08-11' };
const autumn = { id: 'test-c2', name: 'Test autumn cycle', submissionDeadline: '2027-09-20', reviewStart: '2027-10-04', reviewEnd: '2027-11-29', decisionsOpen: '2027-11-30', decisionsClose: '2027-12-14' };
const inWindow = { now: new Date('2027-08-02T11:00:00Z'), dryRun: false };

function world(): ReviewWorld {
  return fakeReview({
    calendarRows: [spring, autumn],
    rows: [
      { status: 'in review', targetCycleId: 'test-c1', award: 'gold', decisionReady: true, decisionNotes: 'Strong induction programme.' },
      { status: 'information requested', targetCycleId: 'test-c1', award: 'not-awarded', decisionReady: true },
      // Not ready yet, or no award chosen: left alone.
      { status: 'in review', targetCycleId: 'test-c1', award: 'silver', decisionReady: false },
      { status: 'in review', targetCycleId: 'test-c1', decisionReady: true },
    ],
  });
}

describe('sending decisions staff marked ready', () => {
  it('sends each ready decision once inside the window, records it and the expiry, concludes the claim and files a certificate for an award', async () => {
    const w = world();
    const actions = await sendDecisions(w.deps, inWindow);
    expect(actions.map((action) => [action.reference, action.action])).toEqual([
      ['WEQS-T-1', 'gold decision sent'],
      ['WEQS-T-2', 'not-awarded decision sent'],
    ]);
    expect(w.sent.map((mail) => [mail.intent, mail.subject.split(' – ')[0]])).toEqual([
      ['decision:WEQS-T-1', 'Decision on your application: gold award'],
      ['decision:WEQS-T-2', 'Decision on your application'],
    ]);
    expect(w.sent[0]?.text).toContain('Strong induction programme.');
    expect(w.application('WEQS-T-1')).toMatchObject({ status: 'decided', decisionSentOn: '2027-08-02T11:00:00.000Z', awardExpiresOn: '2029-08-02T12:00:00Z' });
    expect(w.application('WEQS-T-2')).toMatchObject({ status: 'decided', decisionSentOn: '2027-08-02T11:00:00.000Z' });
    expect(w.application('WEQS-T-2').awardExpiresOn).toBeUndefined();
    expect(w.concluded).toEqual([
      { reference: 'WEQS-T-1', state: 'awarded', award: { level: 'gold', expiresOn: '2029-08-02' } },
      { reference: 'WEQS-T-2', state: 'not-awarded' },
    ]);
    expect(w.uploads).toEqual([{ folderId: 'folder-1', name: 'Award certificate - Gold - WEQS-T-1.pdf' }]);
    expect(w.cards).toEqual([]);
    // Staff editing the row afterwards sends nothing again.
    expect(await sendDecisions(w.deps, inWindow)).toEqual([]);
    expect(w.sent).toHaveLength(2);
  });

  it('waits for the decision window to open', async () => {
    const w = world();
    const actions = await sendDecisions(w.deps, { now: new Date('2027-07-20T11:00:00Z'), dryRun: false });
    expect(actions[0]?.action).toBe('gold decision ready; waits for the decision window (2027-07-28)');
    expect(w.sent).toEqual([]);
    expect(w.updates).toEqual([]);
  });

  it('sends a late decision at once and tells staff once', async () => {
    const w = world();
    const late = { now: new Date('2027-08-20T11:00:00Z'), dryRun: false };
    const actions = await sendDecisions(w.deps, late);
    expect(actions[0]?.action).toBe('gold decision sent late (after the decision window); staff told');
    expect(w.sent).toHaveLength(2);
    expect(w.cards).toHaveLength(2);
    await sendDecisions(w.deps, late);
    expect(w.cards).toHaveLength(2);
  });

  it('cannot send a decision whose target cycle is not in the calendar, and says so', async () => {
    const w = fakeReview({ calendarRows: [spring], rows: [{ status: 'in review', targetCycleId: 'gone-c9', award: 'bronze', decisionReady: true }] });
    expect((await sendDecisions(w.deps, inWindow))[0]?.action).toBe("cannot send: the target cycle 'gone-c9' is not in the calendar");
    expect(w.sent).toEqual([]);
  });

  it('has nothing to do when no decision is ready', async () => {
    const w = fakeReview({ calendarRows: [spring], rows: [{ status: 'in review', targetCycleId: 'test-c1' }, { status: 'open', targetCycleId: 'test-c1', award: 'gold', decisionReady: true }] });
    expect(await sendDecisions(w.deps, inWindow)).toEqual([]);
    expect(w.sent).toEqual([]);
  });

  it('records the date the email stated when a retry comes after a failure, not the retry\'s own', async () => {
    const w = world();
    w.failing = { name: 'applications.update', error: new Error('SharePoint is unavailable') };
    expect((await sendDecisions(w.deps, inWindow))[0]?.action).toMatch(/failed, will retry on the next run/);
    w.failing = undefined;
    await sendDecisions(w.deps, { now: new Date('2027-08-03T11:00:00Z'), dryRun: false });
    expect(w.sent).toHaveLength(2);
    expect(w.application('WEQS-T-1')).toMatchObject({ decisionSentOn: '2027-08-02T11:00:00.000Z', awardExpiresOn: '2029-08-02T12:00:00Z' });
  });

  it('changes nothing in a dry run', async () => {
    const w = world();
    expect(await sendDecisions(w.deps, { ...inWindow, dryRun: true })).toHaveLength(2);
    expect(w.sent).toEqual([]);
    expect(w.updates).toEqual([]);
    expect(w.uploads).toEqual([]);
  });

  it('sends each decision at most once, and records it as an uninterrupted run does, whichever step the process dies at', async () => {
    const make = () => fakeReview({ calendarRows: [spring], rows: [{ status: 'in review', targetCycleId: 'test-c1', award: 'silver', decisionReady: true }] });
    const tried = await crashAtEveryStep(make, sendDecisions, inWindow, (actual, expected, label) => expect(actual, label).toEqual(expected));
    expect(tried).toBeGreaterThan(6);
  });
});
