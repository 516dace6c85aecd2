import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allText, facts, joined } from '../../support/card-text.js';
import {
  cycleClosedCard,
  cyclePublishedCard,
  invalidCalendarRowsCard,
  lateDecisionCard,
  MAX_CARD_LIST_ENTRIES,
  MAX_REASONS_PER_ROW,
  reviewsPausedCard,
  weeklyDigestCard,
  type CycleClosedCardInput,
  type CyclePublishedCardInput,
  type InvalidCalendarRowsCardInput,
  type LateDecisionCardInput,
  type ReviewsPausedCardInput,
  type WeeklyDigestCardInput,
} from '../../../src/domain/cycle-cards.js';
import { parseReviewCalendar } from '../../../src/domain/review-calendar-rows.js';
import { ukEndOfDay } from '../../../src/domain/uk-dates.js';
import { CARD_PAYLOAD_BUDGET_BYTES, cardPayloadBytes, type TeamsWebhookPayload } from '../../../src/domain/card-toolkit.js';
import { cardPayloadProblems } from '../../support/card-payload-problems.js';

const LIST_URL = 'https://contoso.sharepoint.com/sites/weqs/Lists/Applications';
const CALENDAR_URL = 'https://contoso.sharepoint.com/sites/weqs/Lists/Review%20calendar';
const LEVELS = ['gold', 'silver', 'bronze', 'none'] as const;

function organisations(count: number, name: (index: number) => string = (index) => `Organisation ${index} NHS Trust`) {
  return Array.from({ length: count }, (_unused, index) => ({
    organisationName: name(index),
    reference: `WEQS-2026-${String(index).padStart(4, '0')}`,
  }));
}

const closed: CycleClosedCardInput = {
  cycle: { name: '2026/27 Cycle 2', submissionDeadline: ukEndOfDay('2027-01-18') },
  enteredReview: [
    { organisationName: 'Northshire Hospitals NHS Foundation Trust', reference: 'WEQS-2026-0042', supportedLevel: 'silver' },
    { organisationName: 'Southshire Community Health', reference: 'WEQS-2026-0043', supportedLevel: 'gold' },
    { organisationName: 'Eastshire Ambulance Service', reference: 'WEQS-2026-0044', supportedLevel: 'silver' },
  ],
  rolledOver: [{ organisationName: 'The Surgery', reference: 'WEQS-2026-0050', reason: 'Post Placement has no documents.' }],
  nextCycle: { name: '2027/28 Cycle 1', submissionDeadline: ukEndOfDay('2027-05-18') },
  listUrl: LIST_URL,
};
/** The same card when no later cycle is published. */
const { nextCycle: _nextCycle, ...closedWithoutNextCycle } = closed;

const late: LateDecisionCardInput = {
  organisationName: 'Northshire Hospitals NHS Foundation Trust',
  reference: 'WEQS-2026-0042',
  decisionsClose: '2027-04-14',
  sentOn: new Date('2027-04-16T08:30:00Z'),
  listUrl: LIST_URL,
};

const calendar = parseReviewCalendar([
  { cycleId: '2026-27-c1', name: '2026/27 Cycle 1', submissionDeadline: '2026-09-18', decisionsOpen: '2026-11-14', decisionsClose: '2026-11-28' },
  { cycleId: '2026-27-c2', name: '2026/27 Cycle 2', submissionDeadline: '2027-02-30', decisionsOpen: '2027-03-31', decisionsClose: '2027-04-14' },
  { name: 'Cycle 3', submissionDeadline: '18/05/2027', decisionsOpen: '2027-07-28' },
]);
const invalidRows: InvalidCalendarRowsCardInput = { rows: calendar.rejected, calendarUrl: CALENDAR_URL };

const digest: WeeklyDigestCardInput = {
  weekOf: new Date('2027-01-04T09:00:00Z'),
  newApplications: [{ organisationName: 'Westshire Hospice', reference: 'WEQS-2027-0001', receivedAt: new Date('2027-01-05T14:05:00Z') }],
  nextDeadline: { cycleName: '2026/27 Cycle 2', submissionDeadline: ukEndOfDay('2027-01-18'), daysLeft: 14 },
  readiness: { ready: 12, notReady: 5, byLevel: { none: 5, bronze: 6, silver: 4, gold: 2 } },
  decisionsDue: 3,
  expiringSoon: [{ organisationName: 'Northshire Hospitals NHS Foundation Trust', reference: 'WEQS-2025-0007', expiresOn: '2027-03-31' }],
  listUrl: LIST_URL,
};
/** The same digest while reviews are paused. */
const { nextDeadline: _nextDeadline, ...digestWithoutDeadline } = digest;

const paused: ReviewsPausedCardInput = {
  lastCycle: { name: '2026/27 Cycle 2', submissionDeadline: ukEndOfDay('2027-01-18') },
  waitingApplicants: 4,
  calendarUrl: CALENDAR_URL,
};

const published: CyclePublishedCardInput = {
  cycle: { name: '2027/28 Cycle 1', submissionDeadline: ukEndOfDay('2027-05-18'), decisionsOpen: '2027-07-28', decisionsClose: '2027-08-11' },
  waitingApplicants: 4,
  listUrl: LIST_URL,
};

/** Every card, with `text` in every field that comes from an email or a staff list, and `count` organisations in each list. */
function allCards(text?: string, count = 3) {
  const name = text === undefined ? undefined : () => text;
  const orgs = organisations(count, name).map((org) => (text === undefined ? org : { ...org, reference: text }));
  const cycle = (value: string) => text ?? value;
  return {
    closed: cycleClosedCard({
      ...closed,
      cycle: { ...closed.cycle, name: cycle(closed.cycle.name) },
      enteredReview: orgs.map((org, index) => ({ ...org, supportedLevel: LEVELS[index % LEVELS.length] ?? 'none' })),
      rolledOver: orgs.map((org) => ({ ...org, reason: text ?? 'Post Placement has no documents.' })),
      nextCycle: { ...closed.nextCycle!, name: cycle('2027/28 Cycle 1') },
    }),
    closedNoNext: cycleClosedCard({ ...closedWithoutNextCycle, rolledOver: orgs.map((org) => ({ ...org, reason: text ?? 'Not ready.' })) }),
    late: lateDecisionCard(text === undefined ? late : { ...late, organisationName: text, reference: text }),
    invalidRows: invalidCalendarRowsCard(
      text === undefined
        ? invalidRows
        : { rows: Array.from({ length: count }, () => ({ label: text, reasons: Array.from({ length: 8 }, () => text) })), calendarUrl: CALENDAR_URL },
    ),
    digest: weeklyDigestCard({
      ...digest,
      newApplications: orgs.map((org) => ({ ...org, receivedAt: new Date('2027-01-05T14:05:00Z') })),
      nextDeadline: { ...digest.nextDeadline!, cycleName: cycle('2026/27 Cycle 2') },
      expiringSoon: orgs.map((org) => ({ ...org, expiresOn: '2027-03-31' })),
    }),
    digestPaused: weeklyDigestCard({ ...digestWithoutDeadline, newApplications: [], expiringSoon: [] }),
    paused: reviewsPausedCard({ ...paused, lastCycle: { ...paused.lastCycle!, name: cycle('2026/27 Cycle 2') } }),
    published: cyclePublishedCard({ ...published, cycle: { ...published.cycle, name: cycle(published.cycle.name) } }),
  };
}

const actionUrls = (payload: TeamsWebhookPayload) => payload.attachments[0].content.actions?.map((action) => action.url);

describe('every cycle card', () => {
  it('is a Workflows webhook payload carrying one Adaptive Card 1.4 that passes the structural check', () => {
    for (const [name, payload] of Object.entries(allCards())) {
      expect(payload.type, name).toBe('message');
      expect(payload.attachments[0].contentType, name).toBe('application/vnd.microsoft.card.adaptive');
      expect(payload.attachments[0].content.version, name).toBe('1.4');
      expect(cardPayloadProblems(payload), name).toEqual([]);
      for (const url of actionUrls(payload) ?? []) expect(url, name).toMatch(/^https:\/\//);
    }
  });

  it('stays valid and under the byte budget with 200 organisations, listing some and counting the rest', () => {
    for (const [name, payload] of Object.entries(allCards(undefined, 200))) {
      expect(cardPayloadProblems(payload), name).toEqual([]);
      expect(cardPayloadBytes(payload), name).toBeLessThan(CARD_PAYLOAD_BUDGET_BYTES);
    }
    const closedCard = allCards(undefined, 200).closed;
    expect(joined(closedCard)).toContain(`and ${200 - MAX_CARD_LIST_ENTRIES} more`);
    expect(facts(closedCard).get('Entered review')).toBe('200');
  });

  it.each([
    ['letters', 'a'],
    ['ampersands', '&'],
    ['markdown', '*_[]()'],
    ['backslashes', '\\'],
    ['emoji', '👩‍⚕️'],
    ['lone surrogates', '\uD800'],
    ['quotes', '"'],
  ])('stays under the budget with 200 organisations and 1 KB of %s in every field (several times every cap)', (_name, unit) => {
    const text = unit.repeat(Math.ceil(1_024 / unit.length));
    for (const [name, payload] of Object.entries(allCards(text, 200))) {
      expect(cardPayloadProblems(payload), name).toEqual([]);
      expect(cardPayloadBytes(payload), name).toBeLessThan(CARD_PAYLOAD_BUDGET_BYTES);
    }
  });

  it('escapes markup and markdown so it shows as typed', () => {
    const hostile = '**Evil** [Open](https://evil.example) <script>alert(1)</script> "><img src=x onerror=alert(1)>';
    for (const [name, payload] of Object.entries(allCards(hostile))) {
      const json = JSON.stringify(payload);
      expect(json, name).not.toContain('<script');
      expect(json, name).not.toContain('<img');
      expect(json, name).not.toContain('[Open](');
      expect(json, name).not.toContain('**Evil**');
    }
    expect(joined(allCards(hostile).closed)).toContain('&#42;&#42;Evil&#42;&#42; &#91;Open&#93;(https://evil.example) &lt;script&gt;');
  });

  it('stays valid and script-free whatever text arrives', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 2_000 }), (text) => {
        for (const payload of Object.values(allCards(text, 30))) {
          expect(cardPayloadProblems(payload)).toEqual([]);
          expect(JSON.stringify(payload).toLowerCase()).not.toContain('<script');
        }
      }),
      { numRuns: 15 },
    );
  });

  it('refuses links that are not absolute https', () => {
    expect(() => cycleClosedCard({ ...closed, listUrl: 'javascript:alert(1)' })).toThrow(TypeError);
    expect(() => invalidCalendarRowsCard({ ...invalidRows, calendarUrl: 'http://contoso.sharepoint.com/' })).toThrow(TypeError);
    expect(() => weeklyDigestCard({ ...digest, listUrl: '/sites/weqs' })).toThrow(TypeError);
    expect(() => reviewsPausedCard({ ...paused, calendarUrl: 'ftp://x' })).toThrow(TypeError);
  });
});

describe('cycleClosedCard', () => {
  it('counts the applications by readiness and supported level, and lists them', () => {
    const payload = cycleClosedCard(closed);
    const text = joined(payload);
    expect(allText(payload)[0]).toBe('Submission deadline passed: 2026/27 Cycle 2');
    expect(facts(payload).get('Entered review')).toBe('3');
    expect(facts(payload).get('Evidence count supports')).toBe('Gold 1 · Silver 2');
    expect(facts(payload).get('Rolled over')).toBe('1');
    expect(facts(payload).get('Rolled over to')).toBe('2027/28 Cycle 1, deadline 18 May 2027');
    expect(facts(payload).get('WEQS-2026-0042')).toBe('Northshire Hospitals NHS Foundation Trust – Silver');
    expect(facts(payload).get('WEQS-2026-0050')).toBe('The Surgery: Post Placement has no documents.');
    expect(text).toContain('passed at the end of 18 Jan 2027');
    expect(text).toContain('Entered review (3)');
    expect(text).toContain('Rolled over (1)');
    expect(actionUrls(payload)).toEqual([LIST_URL]);
  });

  it('says when no later cycle is published, and when a list is empty', () => {
    const payload = cycleClosedCard({ ...closedWithoutNextCycle, enteredReview: [] });
    expect(facts(payload).get('Rolled over to')).toMatch(/reviews are paused/);
    expect(facts(payload).has('Evidence count supports')).toBe(false);
    expect(joined(payload)).toContain('None.');
  });

  it.each([
    [0, '0 applications that were ready'],
    [1, '1 application that was ready'],
    [3, '3 applications that were ready'],
  ])('counts %i entered application(s) in words that agree', (count, words) => {
    const payload = cycleClosedCard({ ...closed, enteredReview: closed.enteredReview.slice(0, 1).flatMap((application) => Array.from({ length: count }, () => application)) });
    expect(joined(payload)).toContain(words);
  });

  it('says one rolled-over application "was" not ready', () => {
    expect(joined(cycleClosedCard(closed))).toContain('rolled 1 application that was not ready over to the next cycle');
  });

  it('shows the UK date of a deadline that ends in BST', () => {
    const payload = cycleClosedCard({ ...closed, cycle: { ...closed.cycle, submissionDeadline: ukEndOfDay('2027-06-18') } });
    expect(joined(payload)).toContain('passed at the end of 18 Jun 2027');
  });
});

describe('lateDecisionCard', () => {
  it('says the decision was sent at once after the window closed, in UK time', () => {
    const payload = lateDecisionCard(late);
    expect(allText(payload)[0]).toBe('Decision sent after the decision window closed');
    expect(facts(payload).get('Reference')).toBe('WEQS-2026-0042');
    expect(facts(payload).get('Decision window closed')).toBe('14 Apr 2027');
    expect(facts(payload).get('Sent')).toBe('16 Apr 2027, 09:30');
    expect(joined(payload)).toMatch(/sent it at once/);
  });
});

describe('invalidCalendarRowsCard', () => {
  it('lists the rows the calendar parser rejected, with each reason', () => {
    expect(calendar.rejected).toHaveLength(2);
    const payload = invalidCalendarRowsCard(invalidRows);
    const text = joined(payload);
    expect(text).toContain('ignoring 2 rows of the review calendar');
    for (const row of calendar.rejected) {
      expect(allText(payload)).toContain(row.label.replace(/[[\]]/g, (char) => `\\${char}`));
      expect(row.reasons.length).toBeGreaterThan(0);
    }
    expect(text).toMatch(/not a real date/);
    expect(text).toMatch(/Cycle ID is missing/);
    expect(actionUrls(payload)).toEqual([CALENDAR_URL]);
  });

  it(`shows at most ${MAX_REASONS_PER_ROW} reasons a row and counts the rest`, () => {
    const reasons = Array.from({ length: MAX_REASONS_PER_ROW + 2 }, (_unused, index) => `Problem ${index}`);
    const payload = invalidCalendarRowsCard({ rows: [{ label: 'Row 3', reasons }], calendarUrl: CALENDAR_URL });
    expect(joined(payload)).toContain(`• Problem ${MAX_REASONS_PER_ROW - 1}`);
    expect(joined(payload)).not.toContain(`Problem ${MAX_REASONS_PER_ROW}`);
    expect(joined(payload)).toContain('and 2 more problems');
  });
});

describe('weeklyDigestCard', () => {
  it('summarises the week: new applications, next deadline, readiness, decisions and expiring awards', () => {
    const payload = weeklyDigestCard(digest);
    expect(allText(payload)[0]).toBe('Weekly summary: week of 4 Jan 2027');
    expect(facts(payload).get('New applications')).toBe('1');
    expect(facts(payload).get('Next deadline')).toBe('2026/27 Cycle 2, 18 Jan 2027 (in 14 days)');
    expect(facts(payload).get('Ready for review')).toBe('12');
    expect(facts(payload).get('Not ready yet')).toBe('5');
    expect(facts(payload).get('Evidence count supports')).toBe('Gold 2 · Silver 4 · Bronze 6 · Below bronze 5');
    expect(facts(payload).get('Decisions to send')).toBe('3');
    expect(facts(payload).get('WEQS-2027-0001')).toBe('Westshire Hospice, received 5 Jan 2027, 14:05');
    expect(facts(payload).get('WEQS-2025-0007')).toBe('Northshire Hospitals NHS Foundation Trust, expires 31 Mar 2027');
  });

  it('says when reviews are paused and when there is nothing to list', () => {
    const { decisionsDue: _decisionsDue, ...rest } = digestWithoutDeadline;
    const payload = weeklyDigestCard({ ...rest, newApplications: [], expiringSoon: [] });
    expect(facts(payload).get('Next deadline')).toMatch(/paused/);
    expect(facts(payload).has('Decisions to send')).toBe(false);
    expect(joined(payload)).toContain('None this week.');
  });

  it('shows times in UK time across the clock change', () => {
    const payload = weeklyDigestCard({
      ...digest,
      newApplications: [{ organisationName: 'Late Night Trust', reference: 'WEQS-2027-0100', receivedAt: new Date('2027-06-30T23:30:00Z') }],
    });
    expect(facts(payload).get('WEQS-2027-0100')).toBe('Late Night Trust, received 1 Jul 2027, 00:30');
  });
});

describe('reviewsPausedCard and cyclePublishedCard', () => {
  it('tells staff reviews are paused, how many applicants wait, and what to do', () => {
    const payload = reviewsPausedCard(paused);
    expect(allText(payload)[0]).toBe('Reviews paused: no review cycle is published');
    expect(facts(payload).get('Applicants waiting')).toBe('4');
    expect(facts(payload).get('Last deadline')).toBe('2026/27 Cycle 2, 18 Jan 2027');
    expect(joined(payload)).toMatch(/publish it/);
    expect(actionUrls(payload)).toEqual([CALENDAR_URL]);
  });

  it('tells staff a cycle was published and how many waiting applicants were emailed', () => {
    const payload = cyclePublishedCard(published);
    expect(allText(payload)[0]).toBe('Review cycle published: 2027/28 Cycle 1');
    expect(facts(payload).get('Applicants emailed')).toBe('4');
    expect(facts(payload).get('Submission deadline')).toBe('18 May 2027');
    expect(facts(payload).get('Decisions')).toBe('28 Jul 2027 to 11 Aug 2027');
    expect(joined(payload)).toMatch(/emailed the 4 applicants/);
    const none = cyclePublishedCard({ cycle: { name: 'C', submissionDeadline: ukEndOfDay('2027-05-18') }, waitingApplicants: 0 });
    expect(joined(none)).toMatch(/No applicants were waiting/);
    expect(none.attachments[0].content.actions).toBeUndefined();
  });
});
