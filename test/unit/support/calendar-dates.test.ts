import { describe, expect, it } from 'vitest';
import { cycleDatesChangedCard } from '../../../src/domain/cycle-cards.js';
import { deadlineMovedEmail } from '../../../src/domain/cycle-emails/calendar-changes.js';
import { enteredReviewEmail } from '../../../src/domain/cycle-emails/deadline-close.js';
import { ukEndOfDay } from '../../../src/domain/uk-dates.js';
import { applicationDates, calendarDates, datesIn, inventedDates, unexpectedDates } from '../../support/calendar-dates.js';

// An example calendar for this test (EXAMPLE ONLY: nobody published it).
const calendar = [{ id: 'ex-c1', name: 'Example cycle', submissionDeadline: '2027-05-18', reviewStart: '2027-06-01', reviewEnd: '2027-07-27', decisionsOpen: '2027-07-28', decisionsClose: '2027-08-11', extendedFrom: '2027-05-04' }];
const allowed = calendarDates(calendar);
const base = { organisationName: 'Example Trust', reference: 'WEQS-2027-0001', supportAddress: 'workexperience@nhs.example' };
const arrived = '2027-04-20T11:00:00.000Z';

function delivered(text: string, html = '', subject = 'Subject'): Parameters<typeof inventedDates>[0] {
  return { outbound: [{ to: ['lead@example.nhs.example'], subject, text, html, status: 'delivered', headers: [], submittedAt: arrived }], teams: [] };
}

describe('the calendar-date checker', () => {
  it('finds dates in every format weqs writes, across wrapped lines and HTML tags', () => {
    expect(datesIn('until the end of Tuesday\n18 May 2027 (UK time), from 1 Jun 2027, on 2027-07-28 or 2027-08-11T22:59:59Z').map((found) => found.date)).toEqual([
      '2027-05-18',
      '2027-06-01',
      '2027-07-28',
      '2027-08-11',
    ]);
  });

  it('accepts a real email that states only calendar dates and the 12-month rule derived from its deadline', () => {
    const email = deadlineMovedEmail({ ...base, cycle: { name: 'Example cycle' }, previousDeadline: '2027-05-04', submissionDeadline: ukEndOfDay('2027-05-18') });
    expect(inventedDates(delivered(email.text, email.html, email.subject), allowed)).toEqual([]);
  });

  it('fails on an invented date, in the text or only in the HTML', () => {
    const email = enteredReviewEmail({ ...base, cycle: { name: 'Example cycle', reviewEnd: '2027-07-27', decisionsOpen: '2027-07-28', decisionsClose: '2027-08-12' } });
    expect(inventedDates(delivered(email.text, email.html), allowed)).toEqual([expect.stringContaining('Thursday 12 August 2027')]);
    expect(inventedDates(delivered('', '<p>Decisions by <strong>Monday 18 January 2027</strong>.</p>'), allowed)).toEqual([expect.stringContaining('Monday 18 January 2027')]);
  });

  it('fails on a date one day off, a wrong weekday, a date that does not exist, and an invented ISO date', () => {
    expect(unexpectedDates('19 May 2027', allowed)).toEqual(['19 May 2027']);
    expect(unexpectedDates('Monday 18 May 2027', allowed)).toEqual(['Monday 18 May 2027']);
    expect(unexpectedDates('31 February 2027', allowed)).toEqual(['31 February 2027']);
    expect(unexpectedDates('due 2027-06-02', allowed)).toEqual(['2027-06-02']);
  });

  it("allows the email's own arrival date, and dates derived from the Applications list", () => {
    expect(inventedDates(delivered('Sent on 20 April 2027.'), allowed)).toEqual([]);
    const staff = applicationDates([{ DecisionSentOn: '2027-08-02T11:00:00Z', AwardExpiresOn: '2029-08-02T12:00:00Z', InformationDueOn: '2027-07-10T12:00:00Z' }]);
    const derived = new Set([...allowed, ...staff]);
    expect(unexpectedDates('Awarded 2 August 2027, valid until Thursday 2 August 2029; renew from 4 May 2029; information by 10 July 2027.', derived)).toEqual([]);
    expect(unexpectedDates('renew from 5 May 2029', derived)).toEqual(['5 May 2029']);
  });

  it('checks cards too, against the day each was posted', () => {
    const card = cycleDatesChangedCard({ cycle: { name: 'Example cycle' }, changes: [{ field: 'Submission deadline', from: '2027-05-04', to: '2027-05-19' }], toldOfDeadline: 1, toldOfDecisions: 0, calendarUrl: 'https://weqs.sharepoint.example/Lists/Calendar' });
    const problems = inventedDates({ outbound: [], teams: [{ webhook: 'staff', receivedAt: arrived, card, runStatus: 'Succeeded' }] }, allowed);
    expect(problems).toEqual([expect.stringContaining('19 May 2027')]);
  });
});
