import { parseReviewCalendar } from '../../src/domain/review-calendar-rows.js';
import { ukEndOfDay } from '../../src/domain/uk-dates.js';
import {
  cycleClosedCard,
  cycleDatesChangedCard,
  cyclePublishedCard,
  informationDueAfterDecisionsCard,
  invalidCalendarRowsCard,
  lateDecisionCard,
  reviewsPausedCard,
  weeklyDigestCard,
} from '../../src/domain/cycle-cards.js';
import { duplicateRequestCard, needsIdentifyingCard, newApplicationCard, processingFailedCard, untrustedSenderCard } from '../../src/domain/request-cards.js';
import type { TeamsWebhookPayload } from '../../src/domain/card-toolkit.js';

/**
 * One of every Teams card weqs can post, with the inputs the card unit tests use
 * (`test/unit/domain/staff-cards.test.ts`, `cycle-cards.test.ts`), but links on the embedded
 * tenant's SharePoint so the browser tests can check every link points there.
 */
export const FIXTURE_SITE = 'https://weqs.sharepoint.example/sites/WorkExperience';
const FOLDER_URL = `${FIXTURE_SITE}/Application%20evidence/Northshire%20Hospitals%20NHS%20Foundation%20Trust%20(RXX)`;
const LIST_URL = `${FIXTURE_SITE}/Lists/Applications`;
const CALENDAR_URL = `${FIXTURE_SITE}/Lists/Review%20calendar`;

const received = new Date('2026-11-25T14:05:00Z');
const subject = 'Work Experience Quality Standard – Northshire Hospitals NHS Foundation Trust';
/** As staff forward it: brackets, stars and underscores that card markdown must show as typed. */
export const forwardedSubject = 'FW: *urgent* work experience quality standard - [NORTHSHIRE HOSPITALS NHS FT] (ref_2)';

/** Every card kind, keyed by a name tests can report; `text` replaces every value that came from an email or a staff list. */
export function everyCard(text?: string): Record<string, TeamsWebhookPayload> {
  const t = (value: string): string => text ?? value;
  const calendar = parseReviewCalendar([
    { cycleId: '2026-27-c1', name: '2026/27 Cycle 1', submissionDeadline: '2026-09-18', decisionsOpen: '2026-11-14', decisionsClose: '2026-11-28' },
    { cycleId: '2026-27-c2', name: '2026/27 Cycle 2', submissionDeadline: '2027-02-30', decisionsOpen: '2027-03-31', decisionsClose: '2027-04-14' },
    { name: 'Cycle 3', submissionDeadline: '18/05/2027', decisionsOpen: '2027-07-28' },
  ]);
  return {
    newApplication: newApplicationCard({
      organisationName: t('Northshire Hospitals NHS Foundation Trust'),
      odsCode: t('RXX'),
      organisationKey: 'ods:RXX',
      reference: 'WEQS-2026-0042',
      requesterName: t('Jane Smith'),
      requesterAddress: 'jane.smith@nhs.net',
      receivedAt: received,
      folderUrl: FOLDER_URL,
      listUrl: LIST_URL,
      targetCycle: { name: t('2026/27 Cycle 2'), submissionDeadline: ukEndOfDay('2027-01-18') },
    }),
    duplicateRequest: duplicateRequestCard({
      organisationName: t('Northshire Hospitals NHS Foundation Trust'),
      organisationKey: 'ods:RXX',
      existing: { reference: 'WEQS-2026-0042', requesterName: t('Jane Smith'), requesterAddress: 'jane.smith@nhs.net', receivedAt: received },
      incoming: { requesterName: t('Ahmed Khan'), requesterAddress: 'ahmed.khan@nhs.net', receivedAt: new Date('2026-12-02T09:30:00Z'), subject: t(subject) },
      listUrl: LIST_URL,
    }),
    needsIdentifying: needsIdentifyingCard({
      requestedName: t('The Surgery'),
      requesterName: t('Sam Jones'),
      requesterAddress: 'sam.jones@nhs.net',
      receivedAt: received,
      reason: 'ambiguous',
      candidates: [
        { name: t('The Surgery'), odsCode: 'B82005', postcode: 'LS1 4AP' },
        { name: t('The Surgery'), odsCode: 'Y01234' },
      ],
    }),
    untrustedSender: untrustedSenderCard({
      fromAddress: 'ceo@northshire.nhs.uk',
      fromName: t('Chief Executive'),
      subject: t(forwardedSubject),
      receivedAt: received,
      authentication: { spf: 'fail', dkim: 'none', dmarc: 'fail', compauth: 'fail' },
    }),
    processingFailed: processingFailedCard({
      subject: t(subject),
      fromAddress: 'jane.smith@nhs.net',
      receivedAt: received,
      messageId: 'AAMkAGI2TG93AAA=',
      errorSummary: t('SharePoint refused to create the folder (403 accessDenied).'),
      attempts: 5,
      replayHint: 'npm run weqs -- replay-failed',
    }),
    cycleClosed: cycleClosedCard({
      cycle: { name: t('2026/27 Cycle 2'), submissionDeadline: ukEndOfDay('2027-01-18') },
      enteredReview: [
        { organisationName: t('Northshire Hospitals NHS Foundation Trust'), reference: 'WEQS-2026-0042', supportedLevel: 'silver' },
        { organisationName: t('Southshire Community Health'), reference: 'WEQS-2026-0043', supportedLevel: 'gold' },
      ],
      rolledOver: [{ organisationName: t('The Surgery'), reference: 'WEQS-2026-0050', reason: t('Post Placement has no documents.') }],
      nextCycle: { name: t('2027/28 Cycle 1'), submissionDeadline: ukEndOfDay('2027-05-18') },
      listUrl: LIST_URL,
    }),
    lateDecision: lateDecisionCard({
      organisationName: t('Northshire Hospitals NHS Foundation Trust'),
      reference: 'WEQS-2026-0042',
      decisionsClose: '2027-04-14',
      sentOn: new Date('2027-04-16T08:30:00Z'),
      listUrl: LIST_URL,
    }),
    invalidCalendarRows: invalidCalendarRowsCard(
      text === undefined ? { rows: calendar.rejected, calendarUrl: CALENDAR_URL } : { rows: [{ label: text, reasons: [text] }], calendarUrl: CALENDAR_URL },
    ),
    weeklyDigest: weeklyDigestCard({
      weekOf: new Date('2027-01-04T09:00:00Z'),
      newApplications: [{ organisationName: t('Westshire Hospice'), reference: 'WEQS-2027-0001', receivedAt: new Date('2027-01-05T14:05:00Z') }],
      nextDeadline: { cycleName: t('2026/27 Cycle 2'), submissionDeadline: ukEndOfDay('2027-01-18'), daysLeft: 14 },
      readiness: { ready: 12, notReady: 5, byLevel: { none: 5, bronze: 6, silver: 4, gold: 2 } },
      decisionsDue: 3,
      expiringSoon: [{ organisationName: t('Northshire Hospitals NHS Foundation Trust'), reference: 'WEQS-2025-0007', expiresOn: '2027-03-31' }],
      listUrl: LIST_URL,
    }),
    reviewsPaused: reviewsPausedCard({
      lastCycle: { name: t('2026/27 Cycle 2'), submissionDeadline: ukEndOfDay('2027-01-18') },
      waitingApplicants: 4,
      calendarUrl: CALENDAR_URL,
    }),
    cyclePublished: cyclePublishedCard({
      cycle: { name: t('2027/28 Cycle 1'), submissionDeadline: ukEndOfDay('2027-05-18'), decisionsOpen: '2027-07-28', decisionsClose: '2027-08-11' },
      waitingApplicants: 4,
      listUrl: LIST_URL,
    }),
    cycleDatesChanged: cycleDatesChangedCard({
      cycle: { name: t('2027/28 Cycle 1') },
      changes: [
        { field: 'Submission deadline', from: '2027-05-18', to: '2027-06-01' },
        { field: 'Decisions close', from: '2027-08-11', to: '2027-08-25' },
      ],
      toldOfDeadline: 3,
      toldOfDecisions: 1,
      calendarUrl: CALENDAR_URL,
    }),
    informationDueAfterDecisions: informationDueAfterDecisionsCard({
      organisationName: t('Northshire Hospitals NHS Foundation Trust'),
      reference: 'WEQS-2027-0001',
      cycle: { name: t('2027/28 Cycle 1'), decisionsClose: '2027-08-11' },
      dueOn: '2027-08-20',
      listUrl: LIST_URL,
    }),
  };
}

