import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { reviewsPausedText } from '../../../src/domain/applicant-emails.js';
import { parseReviewCalendarFile } from '../../../src/domain/review-calendar-file.js';
import { updateAwardLifecycle } from '../../../src/workflows/review/award-lifecycle.js';
import { sendDecisions } from '../../../src/workflows/review/send-decisions.js';
import { sendReminders } from '../../../src/workflows/review/send-reminders.js';
import { fakeReview } from './review-fakes.js';

// The shipped calendar: the published cycles, and the standard paused with no later cycle.
const real = parseReviewCalendarFile(JSON.parse(readFileSync(new URL('../../../config/review-calendar.json', import.meta.url), 'utf8')) as unknown);
const flat = (text: string): string => text.replace(/\s+/g, ' ');

describe('award emails from the review jobs while the standard is paused (the real calendar)', () => {
  it('the shipped calendar records the pause', () => {
    expect(real.standard?.state).toBe('paused');
  });

  it('the expiry reminder and the expiry notice say reviews are paused, not "the next review cycle"', async () => {
    const holder = { status: 'decided' as const, award: 'gold' as const, awardExpiresOn: '2027-06-30T12:00:00Z' };
    const review = fakeReview({ calendarRows: real.rows, rows: [holder] });
    await sendReminders(review.deps, { now: new Date('2027-05-31T11:00:00Z'), dryRun: false });
    await updateAwardLifecycle(review.deps, { now: new Date('2027-07-01T11:00:00Z'), dryRun: false });
    expect(review.sent.map((mail) => mail.subject.split(' – ')[0])).toEqual(['Your gold award expires in 30 days', 'Your gold award has expired']);
    for (const mail of review.sent) {
      expect(flat(mail.text)).toContain(reviewsPausedText);
      expect(mail.text).not.toMatch(/next\s+review\s+cycle|next\s+submission\s+deadline/);
    }
  });

  it('a "not awarded" decision says reviews are paused', async () => {
    const refused = { status: 'in review' as const, targetCycleId: '2023-24-c3', award: 'not-awarded' as const, decisionReady: true };
    const review = fakeReview({ calendarRows: real.rows, rows: [refused] });
    await sendDecisions(review.deps, { now: new Date('2027-04-01T11:00:00Z'), dryRun: false });
    expect(review.sent).toHaveLength(1);
    expect(flat(review.sent[0]?.text ?? '')).toContain(reviewsPausedText);
    expect(review.sent[0]?.text).not.toContain('We will tell you the review dates when you apply.');
  });
});
