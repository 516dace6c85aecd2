import { describe, expect, it } from 'vitest';
import { parseReviewCalendar } from '../../../src/domain/review-calendar-rows.js';
import { handleInformationRequests } from '../../../src/workflows/review/information-requests.js';
import { watchCalendar } from '../../../src/workflows/review/watch-calendar.js';
import { crashAtEveryStep, fakeReview } from './review-fakes.js';
import type { FakeReview } from './review-fakes.js';

// An example calendar for this test only (EXAMPLE ONLY: nobody published these cycles).
const spring = { id: 'test-c1', name: 'Test spring cycle', submissionDeadline: '2027-05-18', reviewStart: '2027-06-01', reviewEnd: '2027-07-27', decisionsOpen: '2027-07-28', decisionsClose: '2027-08-11' };
const autumn = { id: 'test-c2', name: 'Test autumn cycle', submissionDeadline: '2027-09-20', reviewStart: '2027-10-04', reviewEnd: '2027-11-29', decisionsOpen: '2027-11-30', decisionsClose: '2027-12-14' };
const now = new Date('2027-04-20T11:00:00Z');

function withCalendar(review: FakeReview, rows: unknown[]): void {
  review.deps.calendar = () => Promise.resolve(parseReviewCalendar(rows));
}

const run = (review: FakeReview, at = now, dryRun = false) => watchCalendar(review.deps, { now: at, dryRun });
/** The plain-text part wraps its lines; sentences are compared unwrapped. */
const flat = (text: string): string => text.replace(/\s+/g, ' ');
const cardText = (review: FakeReview): string => JSON.stringify(review.cards);

describe('announcing staff changes to a published cycle', () => {
  const rows = [
    { targetCycleId: 'test-c1', status: 'open' as const },
    { targetCycleId: 'TEST-C1', status: 'open' as const, remindersOff: true },
    { targetCycleId: 'test-c2', status: 'open' as const },
    { targetCycleId: 'test-c1', status: 'decided' as const },
  ];

  it('only records a cycle the first time it sees it', async () => {
    const review = fakeReview({ calendarRows: [spring, autumn], rows });
    await run(review);
    await run(review);
    expect(review.sent).toEqual([]);
    expect(review.cards).toEqual([]);
  });

  it('tells every open application targeting the cycle of a moved deadline once, at once, with both dates from the calendar', async () => {
    const review = fakeReview({ calendarRows: [spring, autumn], rows });
    await run(review);
    withCalendar(review, [{ ...spring, submissionDeadline: '2027-06-01', reviewStart: '2027-06-07', extendedFrom: '2027-05-18' }, autumn]);
    // Two runs at once, then a rerun.
    await Promise.all([run(review), run(review)]);
    await run(review);
    expect(review.sent.map((mail) => mail.to).sort()).toEqual(['lead1@nhs.example', 'lead2@nhs.example']);
    for (const mail of review.sent) {
      expect(mail.subject).toMatch(/^Your submission deadline has changed – /);
      expect(flat(mail.text)).toContain('The deadline has moved from Tuesday 18 May 2027 to Tuesday 1 June 2027.');
      expect(flat(mail.text)).toContain('The new deadline is the end of Tuesday 1 June 2027 (UK time).');
    }
    expect(review.cards).toHaveLength(1);
    expect(cardText(review)).toContain('Review calendar dates changed: Test spring cycle');
    expect(cardText(review)).toContain('18 May 2027 → 1 Jun 2027');
    expect(cardText(review)).toContain('weqs emailed 2 applicants the new submission deadline.');
  });

  it('sends one email per distinct new deadline when a deadline is moved back and forth', async () => {
    const review = fakeReview({ calendarRows: [spring], rows: [{ targetCycleId: 'test-c1' }] });
    const moved = { ...spring, submissionDeadline: '2027-05-25' };
    await run(review);
    withCalendar(review, [moved]);
    await run(review);
    withCalendar(review, [spring]);
    await run(review);
    withCalendar(review, [moved]);
    await run(review);
    expect(review.sent.map((mail) => /moved from (.*?) to (.*?)\./.exec(flat(mail.text))?.slice(1))).toEqual([
      ['Tuesday 18 May 2027', 'Tuesday 25 May 2027'],
      ['Tuesday 25 May 2027', 'Tuesday 18 May 2027'],
    ]);
  });

  it('tries again on the next run when an email fails, and keeps the old deadline until everyone is told', async () => {
    const review = fakeReview({ calendarRows: [spring], rows: [{ targetCycleId: 'test-c1' }, { targetCycleId: 'test-c1' }] });
    await run(review);
    withCalendar(review, [{ ...spring, submissionDeadline: '2027-05-25' }]);
    const sendOnce = review.deps.outgoing.sendOnce.bind(review.deps.outgoing);
    review.deps.outgoing.sendOnce = (intent, message, options) => (message.to[0]?.address === 'lead2@nhs.example' ? Promise.reject(new Error('Graph said 503')) : sendOnce(intent, message, options));
    const failed = await run(review);
    expect(failed.some((action) => /failed, will retry/.test(action.action))).toBe(true);
    expect(review.cards).toEqual([]);
    review.deps.outgoing.sendOnce = sendOnce;
    await run(review);
    expect(review.sent.map((mail) => mail.to)).toEqual(['lead1@nhs.example', 'lead2@nhs.example']);
    expect(flat(review.sent[1]?.text ?? '')).toContain('moved from Tuesday 18 May 2027 to Tuesday 25 May 2027');
    expect(review.cards).toHaveLength(1);
  });

  it('previews a move in a dry run without sending or recording it', async () => {
    const review = fakeReview({ calendarRows: [spring], rows: [{ targetCycleId: 'test-c1' }] });
    await run(review);
    withCalendar(review, [{ ...spring, submissionDeadline: '2027-05-25' }]);
    const preview = await run(review, now, true);
    expect(preview.map((action) => action.action)).toEqual(['Test spring cycle: dates changed (submission deadline 2027-05-18 → 2027-05-25)', 'told the deadline moved from 2027-05-18 to 2027-05-25']);
    expect(review.sent).toEqual([]);
    await run(review);
    expect(review.sent).toHaveLength(1);
  });

  it('accepts an extended review and decision window, tells staff, and tells applicants in the cycle that decisions come later', async () => {
    const review = fakeReview({
      calendarRows: [spring, autumn],
      rows: [
        { targetCycleId: 'test-c1', status: 'in review' },
        { targetCycleId: 'test-c1', status: 'information requested' },
        { targetCycleId: 'test-c1', status: 'decided' },
        { targetCycleId: 'test-c2', status: 'open' },
      ],
    });
    const inReview = new Date('2027-06-10T11:00:00Z');
    await run(review, inReview);
    // Decisions now run on past the autumn deadline: accepted.
    withCalendar(review, [{ ...spring, reviewEnd: '2027-08-31', decisionsOpen: '2027-09-01', decisionsClose: '2027-09-30' }, autumn]);
    expect((await review.deps.calendar()).rejected).toEqual([]);
    await run(review, inReview);
    await run(review, inReview);
    expect(review.sent.map((mail) => mail.to)).toEqual(['lead1@nhs.example', 'lead2@nhs.example']);
    expect(review.sent[0]?.subject).toMatch(/^Our decision will come later than planned – /);
    expect(flat(review.sent[0]?.text ?? '')).toContain('We told you we would send our decision between Wednesday 28 July 2027 and Wednesday 11 August 2027.');
    expect(flat(review.sent[0]?.text ?? '')).toContain('We will now send you our decision between Wednesday 1 September 2027 and Thursday 30 September 2027.');
    expect(review.cards).toHaveLength(1);
    expect(cardText(review)).toContain('27 Jul 2027 → 31 Aug 2027');
    expect(cardText(review)).toContain('weqs emailed 2 applicants that decisions come later than they were told.');
  });

  it('tells each applicant of a moved deadline at most once, and moves the dates as seen on, whichever step the process dies at', async () => {
    const make = () => {
      const review = fakeReview({ calendarRows: [{ ...spring, submissionDeadline: '2027-05-25' }], rows: [{ targetCycleId: 'test-c1' }, { targetCycleId: 'test-c1' }] });
      const { id: _id, name: _name, ...dates } = spring;
      review.state.set('review-calendar-seen', JSON.stringify({ 'test-c1': dates }));
      return review;
    };
    const tried = await crashAtEveryStep(make, watchCalendar, { now, dryRun: false }, (actual, expected, label) => expect(actual, label).toEqual(expected));
    expect(tried).toBeGreaterThan(6);
  });

  it('tells staff, but no applicant, when decisions move earlier', async () => {
    const review = fakeReview({ calendarRows: [spring], rows: [{ targetCycleId: 'test-c1', status: 'in review' }] });
    await run(review, new Date('2027-06-10T11:00:00Z'));
    withCalendar(review, [{ ...spring, decisionsClose: '2027-08-06' }]);
    await run(review, new Date('2027-06-10T11:00:00Z'));
    expect(review.sent).toEqual([]);
    expect(cardText(review)).toContain('No applicant needed an email.');
  });
});

describe('a further-information due date after the decision window', () => {
  const request = { status: 'information requested' as const, targetCycleId: 'test-c1', informationRequest: 'Please add your induction checklist.', informationDueOn: '2027-08-20T12:00:00Z' };

  it('warns staff once with a card, and still sends the request', async () => {
    const review = fakeReview({ calendarRows: [spring], rows: [request] });
    const at = new Date('2027-07-01T11:00:00Z');
    const actions = await handleInformationRequests(review.deps, { now: at, dryRun: false });
    await handleInformationRequests(review.deps, { now: at, dryRun: false });
    expect(actions[0]?.action).toContain("due after Test spring cycle's decision window closes (2027-08-11): staff warned");
    expect(review.sent).toHaveLength(1);
    expect(flat(review.sent[0]?.text ?? '')).toContain('Friday 20 August 2027');
    expect(review.cards).toHaveLength(1);
    expect(cardText(review)).toContain('Further information is due after the decision window closes');
    expect(cardText(review)).toContain('20 Aug 2027');
    expect(cardText(review)).toContain('11 Aug 2027');
  });

  it('says nothing to staff when the due date is inside the decision window', async () => {
    const review = fakeReview({ calendarRows: [spring], rows: [{ ...request, informationDueOn: '2027-08-11T12:00:00Z' }] });
    await handleInformationRequests(review.deps, { now: new Date('2027-07-01T11:00:00Z'), dryRun: false });
    expect(review.sent).toHaveLength(1);
    expect(review.cards).toEqual([]);
  });
});
