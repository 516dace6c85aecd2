import { describe, expect, it } from 'vitest';
import { sendReminders } from '../../../src/workflows/review/send-reminders.js';
import { crashAtEveryStep, fakeReview } from './review-fakes.js';

const cycle = { id: 'test-c1', name: 'Test cycle', submissionDeadline: '2027-05-18', reviewStart: '2027-06-01', reviewEnd: '2027-07-27', decisionsOpen: '2027-07-28', decisionsClose: '2027-08-11' };
const now = new Date('2027-04-20T11:00:00Z');
const file = (folder: string, name: string) => ({ path: [folder], name, lastModified: new Date('2027-03-01T10:00:00Z'), size: 1000 });

describe('sendReminders', () => {
  it('shows each applicant\'s readiness summary in a dry run, as the email would, and sends nothing', async () => {
    const review = fakeReview({ calendarRows: [cycle], rows: [{ targetCycleId: 'test-c1' }], files: [file('1 Healthcare organisation', 'Policy.pdf'), file('2 Pre-Placement', 'Checklist.pdf')] });
    const actions = await sendReminders(review.deps, { now, dryRun: true });
    expect(review.sent).toEqual([]);
    expect(actions).toHaveLength(1);
    expect(actions[0]?.action).toBe('deadline reminder, 28 days before Test cycle');
    const details = (actions[0]?.details ?? []).join('\n');
    expect(details).toContain('Application form: not found in your folder.');
    expect(details).toMatch(/Current documents \(dated on or after .*\): 2\./);
  });

  it('says "1 day" the day before the deadline', async () => {
    const review = fakeReview({ calendarRows: [cycle], rows: [{ targetCycleId: 'test-c1' }] });
    const actions = await sendReminders(review.deps, { now: new Date('2027-05-17T11:00:00Z'), dryRun: true });
    expect(actions[0]?.action).toBe('deadline reminder, 1 day before Test cycle');
  });
});

describe('sending reminders', () => {
  /** Its first expiry reminder (90 days) falls on 2 July 2027, after this test's dates. */
  const expiring = { status: 'decided' as const, award: 'gold' as const, awardExpiresOn: '2027-09-30T12:00:00Z' };
  const world = () => fakeReview({ calendarRows: [cycle], rows: [{ targetCycleId: 'test-c1' }, { targetCycleId: 'test-c1', remindersOff: true }, { targetCycleId: 'other-c9' }, expiring] });

  it('sends each due deadline reminder once, with the readiness, in the thread of the request, and none to an applicant who asked for no reminders', async () => {
    const review = world();
    const actions = await sendReminders(review.deps, { now, dryRun: false });
    expect(actions.map((action) => [action.reference, action.action])).toEqual([['WEQS-T-1', 'deadline reminder, 28 days before Test cycle (sent)']]);
    expect(review.sent).toHaveLength(1);
    expect(review.sent[0]).toMatchObject({ to: 'lead1@nhs.example', inReplyTo: '<request-1@nhs.example>' });
    expect(review.sent[0]?.subject).toMatch(/^Submission deadline /);
    expect(review.sent[0]?.text).toContain('STOP REMINDERS');
    expect(await sendReminders(review.deps, { now, dryRun: false })).toEqual([]);
    expect(review.sent).toHaveLength(1);
  });

  it('sends an award expiry reminder once, 90 days before', async () => {
    const review = world();
    const at = { now: new Date('2027-07-02T11:00:00Z'), dryRun: false };
    const actions = await sendReminders(review.deps, at);
    expect(actions.map((action) => action.action)).toContain('award expiry reminder, 90 days before 2027-09-30 (sent)');
    expect(review.sent.map((mail) => mail.subject.split(' – ')[0])).toContain('Your gold award expires in 90 days');
    await sendReminders(review.deps, at);
    expect(review.sent.filter((mail) => /award expires/.test(mail.subject))).toHaveLength(1);
  });

  it('has nothing to do before the first reminder is due', async () => {
    const review = world();
    expect(await sendReminders(review.deps, { now: new Date('2027-04-01T11:00:00Z'), dryRun: false })).toEqual([]);
    expect(review.sent).toEqual([]);
  });

  it('says why a reminder did not go when the application has no folder on record, and sends it on a later run', async () => {
    const review = world();
    const claim = review.claimsByKey.get('org-1')!;
    review.claimsByKey.delete('org-1');
    expect((await sendReminders(review.deps, { now, dryRun: false }))[0]?.action).toMatch(/failed, will retry on the next run: the application has no evidence folder on record/);
    expect(review.sent).toEqual([]);
    review.claimsByKey.set('org-1', claim);
    await sendReminders(review.deps, { now, dryRun: false });
    expect(review.sent).toHaveLength(1);
  });

  it('sends each reminder at most once whichever step the process dies at', async () => {
    const make = () => fakeReview({ calendarRows: [cycle], rows: [{ targetCycleId: 'test-c1' }, { ...expiring, awardExpiresOn: '2027-05-20T12:00:00Z' }] });
    const tried = await crashAtEveryStep(make, sendReminders, { now, dryRun: false }, (actual, expected, label) => expect(actual, label).toEqual(expected));
    expect(tried).toBeGreaterThan(6);
  });
});
