import { describe, expect, it } from 'vitest';
import { sendReminders } from '../../../src/workflows/review/send-reminders.js';
import { fakeReview } from './review-fakes.js';

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
