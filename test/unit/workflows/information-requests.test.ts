import { describe, expect, it } from 'vitest';
import { handleInformationRequests } from '../../../src/workflows/review/information-requests.js';
import { crashAtEveryStep, fakeReview } from './review-fakes.js';
import type { ReviewWorld } from './review-fakes.js';

// An example calendar for this test only (EXAMPLE ONLY: nobody published this cycle).
const spring = { id: 'test-c1', name: 'Test spring cycle', submissionDeadline: '2027-05-18', reviewStart: '2027-06-01', reviewEnd: '2027-07-27', decisionsOpen: '2027-07-28', decisionsClose: '2027-08-11' };
const request = { status: 'information requested' as const, targetCycleId: 'test-c1', informationRequest: 'Please add your induction checklist.', informationDueOn: '2027-07-09T12:00:00Z' };
const during = { now: new Date('2027-07-01T11:00:00Z'), dryRun: false };
/** The day after the due date (UK). */
const after = { now: new Date('2027-07-10T09:00:00Z'), dryRun: false };

function world(): ReviewWorld {
  // The second is in review with no request: nothing to do.
  return fakeReview({ calendarRows: [spring], rows: [request, { status: 'in review', targetCycleId: 'test-c1' }] });
}

describe('requests for further information', () => {
  it('sends the note once and opens the folder for edits until the end of the due day, then makes it read-only and returns the status to In review', async () => {
    const w = world();
    w.roles.set('folder-1', 'read');
    const opened = await handleInformationRequests(w.deps, during);
    expect(opened.map((action) => action.action)).toEqual(['asks for more information by 2027-07-09; folder open for edits']);
    expect(w.sent.map((mail) => mail.subject.split(' – ')[0])).toEqual(['More information needed for your application']);
    expect(w.sent[0]?.text).toContain('Please add your induction checklist.');
    expect(w.roles.get('folder-1')).toBe('write');
    expect(await handleInformationRequests(w.deps, during)).toEqual([]);
    const closed = await handleInformationRequests(w.deps, after);
    expect(closed.map((action) => action.action)).toEqual(['information window over; folder read-only again']);
    expect(w.roles.get('folder-1')).toBe('read');
    expect(w.application('WEQS-T-1').status).toBe('in review');
    expect(await handleInformationRequests(w.deps, after)).toEqual([]);
    expect(w.sent).toHaveLength(1);
  });

  it('closes the folder at once when staff move the status back before the due date', async () => {
    const w = world();
    await handleInformationRequests(w.deps, during);
    w.edit('WEQS-T-1', { status: 'in review' });
    expect((await handleInformationRequests(w.deps, during)).map((action) => action.action)).toEqual(['information window over; folder read-only again']);
    expect(w.roles.get('folder-1')).toBe('read');
  });

  it('treats a new note as a new request', async () => {
    const w = world();
    await handleInformationRequests(w.deps, during);
    w.edit('WEQS-T-1', { informationRequest: 'Please also add your risk assessment.' });
    await handleInformationRequests(w.deps, during);
    expect(w.sent.map((mail) => mail.text.includes('risk assessment'))).toEqual([false, true]);
  });

  it('has nothing to do without a note and a due date', async () => {
    const w = fakeReview({ calendarRows: [spring], rows: [{ status: 'information requested', targetCycleId: 'test-c1', informationRequest: 'No date given.' }] });
    expect(await handleInformationRequests(w.deps, during)).toEqual([]);
    expect(w.sent).toEqual([]);
  });

  it('keeps a folder whose access is still pending as it is, and says why nothing went when there is no folder on record', async () => {
    const pending = world();
    const claim = pending.claimsByKey.get('org-1')!;
    claim.progress = { ...claim.progress, accessPending: true };
    await handleInformationRequests(pending.deps, during);
    expect(pending.sent).toHaveLength(1);
    const missing = world();
    missing.claimsByKey.delete('org-1');
    expect((await handleInformationRequests(missing.deps, during))[0]?.action).toMatch(/failed, will retry on the next run: the application has no evidence folder on record/);
    expect(missing.sent).toEqual([]);
  });

  it('changes nothing in a dry run', async () => {
    const w = world();
    expect(await handleInformationRequests(w.deps, { ...during, dryRun: true })).toHaveLength(1);
    expect(w.sent).toEqual([]);
    expect(w.updates).toEqual([]);
  });

  it('sends the note at most once, and closes the window as an uninterrupted run does, whichever step the process dies at', async () => {
    const openTried = await crashAtEveryStep(world, handleInformationRequests, during, (actual, expected, label) => expect(actual, label).toEqual(expected));
    const opened = async (): Promise<ReviewWorld> => {
      const w = world();
      await handleInformationRequests(w.deps, during);
      w.calls.length = 0;
      return w;
    };
    // The window closing, from a world where the request went out.
    const reference = await opened();
    await handleInformationRequests(reference.deps, after);
    const steps = reference.calls.length;
    for (let call = 1; call <= steps; call += 1) {
      const w = await opened();
      w.crashAt = { call, when: 'after' };
      await handleInformationRequests(w.deps, after).catch(() => undefined);
      w.revive();
      await handleInformationRequests(w.deps, after);
      expect(w.sent, `crash after call ${call}`).toHaveLength(1);
      expect(w.roles.get('folder-1'), `crash after call ${call}`).toBe('read');
      expect(w.application('WEQS-T-1').status, `crash after call ${call}`).toBe('in review');
    }
    expect(openTried + steps).toBeGreaterThan(6);
  });
});
