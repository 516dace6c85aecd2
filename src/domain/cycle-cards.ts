/**
 * The staff Teams cards of the review calendar stage: a cycle's deadline passing, a decision sent
 * late, calendar rows ignored, the weekly digest, and reviews pausing or resuming.
 *
 * Built with the same pieces as the other staff cards (`card-toolkit.ts`), so they share its
 * rules: Adaptive Cards 1.4 elements only, every value from an email or a staff list cleaned,
 * capped and escaped, and the payload checked against the size budget. These cards can list
 * hundreds of organisations, so lists are cut to fit a byte budget of their own and end with
 * "and N more"; the Applications list holds the full picture.
 */
import { formatAwardLevel, type SupportedAwardLevel } from './award.js';
import { describeDaysLeft } from './reminder-schedule.js';
import { formatUkDate, type UkDate } from './uk-dates.js';
import { factSet, heading, openUrl, paragraph, subheading, toPayload, untrusted, type CardElement, type Fact, type TeamsWebhookPayload } from './card-toolkit.js';
import { formatUkDateTime } from './uk-dates.js';
import { clipLine, escapeCardText } from './text-escaping.js';
import { plural, pluralWord } from './plural.js';

// Caps, in code points before escaping, for values from emails and staff lists. Lists are also
// cut by bytes (see `fitted`), so these only keep one entry readable.
const CAP = {
  organisation: 120,
  reference: 40,
  cycle: 80,
  reason: 200,
  label: 120,
  calendarReason: 300,
} as const;

/** Entries listed in one list at most, however small they are; the rest are counted. */
export const MAX_CARD_LIST_ENTRIES = 25;

/** Reasons shown for one ignored calendar row; the rest are counted. */
export const MAX_REASONS_PER_ROW = 5;

// Bytes of JSON a list may use: each of a card's two lists, or a card's only list. The rest of a
// card, at its fullest, stays under 4 KB, so full lists still leave it inside
// CARD_PAYLOAD_BUDGET_BYTES.
const LIST_BYTES = { eachOfTwo: 7_000, only: 14_000 } as const;

const short = (date: UkDate | Date) => formatUkDate(date, 'short');

function jsonBytes(value: unknown): number {
  return new TextEncoder().encode(JSON.stringify(value)).length;
}

/**
 * The leading entries that fit in `budget` bytes of JSON (and MAX_CARD_LIST_ENTRIES), and how
 * many were left out. Measuring, rather than trusting caps alone, keeps a list of 200 hostile
 * names inside the budget and a list of 25 ordinary ones complete.
 */
function fitted<T>(entries: readonly T[], budget: number, limit = MAX_CARD_LIST_ENTRIES): { shown: T[]; hidden: number } {
  const shown: T[] = [];
  let used = 0;
  for (const entry of entries) {
    if (shown.length >= limit) break;
    const size = jsonBytes(entry) + 1;
    if (used + size > budget) break;
    shown.push(entry);
    used += size;
  }
  return { shown, hidden: entries.length - shown.length };
}

/** A list as facts (FactSet needs at least one), then "and N more" when it was cut. */
function factList(facts: readonly Fact[], budget: number, empty: string): CardElement[] {
  if (facts.length === 0) return [paragraph(escapeCardText(empty), { isSubtle: true })];
  const { shown, hidden } = fitted(facts, budget);
  const elements: CardElement[] = [];
  if (shown.length > 0) elements.push(factSet(shown.map((fact) => [fact.title, fact.value] as const)));
  if (hidden > 0) elements.push(paragraph(escapeCardText(`and ${hidden} more`), { isSubtle: true }));
  return elements;
}


/** A count staff will read: whole, never negative. */
function count(value: number): number {
  return Number.isFinite(value) ? Math.max(0, Math.trunc(value)) : 0;
}

function levelName(level: SupportedAwardLevel): string {
  return level === 'none' ? 'Below bronze' : formatAwardLevel(level);
}

const LEVELS_HIGH_FIRST: readonly SupportedAwardLevel[] = ['gold', 'silver', 'bronze', 'none'];

/** "Gold 2 · Silver 5 · Bronze 1", leaving out levels nobody reached. */
function levelCounts(counts: Readonly<Record<SupportedAwardLevel, number>>): string {
  const parts = LEVELS_HIGH_FIRST.filter((level) => count(counts[level]) > 0).map((level) => `${levelName(level)} ${count(counts[level])}`);
  return parts.length === 0 ? 'None' : parts.join(' · ');
}

/** "2026/27 Cycle 2", cleaned and escaped, for use inside our own sentences. */
function cycleName(name: string): string {
  return untrusted(name, CAP.cycle);
}

// ---------------------------------------------------------------------------------------------
// 1. A cycle's deadline has passed
// ---------------------------------------------------------------------------------------------

export interface CycleClosedCardInput {
  cycle: { name: string; submissionDeadline: Date };
  enteredReview: readonly { organisationName: string; reference: string; supportedLevel: SupportedAwardLevel }[];
  rolledOver: readonly { organisationName: string; reference: string; reason: string }[];
  /** Where rolled-over applications went; undefined when no next cycle is published. */
  nextCycle?: { name: string; submissionDeadline: Date };
  listUrl: string;
}

export function cycleClosedCard(input: CycleClosedCardInput): TeamsWebhookPayload {
  const cycle = cycleName(input.cycle.name);
  const entered = input.enteredReview.length;
  const rolled = input.rolledOver.length;
  const byLevel: Record<SupportedAwardLevel, number> = { gold: 0, silver: 0, bronze: 0, none: 0 };
  for (const application of input.enteredReview) byLevel[application.supportedLevel] += 1;
  const next = input.nextCycle;
  const destination =
    next === undefined
      ? 'No later cycle is published, so their applicants were told reviews are paused'
      : `${cycleName(next.name)}, deadline ${short(next.submissionDeadline)}`;

  return toPayload(
    [
      heading(`Submission deadline passed: ${clipLine(input.cycle.name, CAP.cycle)}`),
      paragraph(
        `${escapeCardText(`The submission deadline for`)} ${cycle} ${escapeCardText(
          `passed at the end of ${short(input.cycle.submissionDeadline)}. weqs moved ${plural(entered, 'application')} that ${pluralWord(entered, 'was', 'were')} ready into review (their folders are now read-only for applicants) and rolled ${plural(rolled, 'application')} that ${pluralWord(rolled, 'was', 'were')} not ready over to ${next === undefined ? 'no cycle: none is published yet' : 'the next cycle'}. Every applicant has been emailed.`,
        )}`,
      ),
      factSet([
        ['Entered review', String(entered)],
        ['Evidence count supports', entered === 0 ? undefined : levelCounts(byLevel)],
        ['Rolled over', String(rolled)],
        ['Rolled over to', rolled === 0 ? undefined : destination],
      ]),
      subheading(`Entered review (${entered})`),
      ...factList(
        input.enteredReview.map((application) => ({
          title: untrusted(application.reference, CAP.reference),
          value: `${untrusted(application.organisationName, CAP.organisation)} – ${levelName(application.supportedLevel)}`,
        })),
        LIST_BYTES.eachOfTwo,
        'None.',
      ),
      subheading(`Rolled over (${rolled})`),
      ...factList(
        input.rolledOver.map((application) => ({
          title: untrusted(application.reference, CAP.reference),
          value: `${untrusted(application.organisationName, CAP.organisation)}: ${untrusted(application.reason, CAP.reason)}`,
        })),
        LIST_BYTES.eachOfTwo,
        'None.',
      ),
    ],
    [openUrl('Open Applications list', input.listUrl)],
  );
}

// ---------------------------------------------------------------------------------------------
// 2. A decision sent after the decision window
// ---------------------------------------------------------------------------------------------

export interface LateDecisionCardInput {
  organisationName: string;
  reference: string;
  /** The last UK day of the cycle's decision window. */
  decisionsClose: UkDate;
  sentOn: Date;
  listUrl?: string;
}

export function lateDecisionCard(input: LateDecisionCardInput): TeamsWebhookPayload {
  const organisation = untrusted(input.organisationName, CAP.organisation);
  const reference = untrusted(input.reference, CAP.reference);
  return toPayload(
    [
      heading('Decision sent after the decision window closed'),
      {
        type: 'Container',
        style: 'warning',
        items: [
          paragraph(
            `${escapeCardText('The decision for')} ${organisation} (${reference}) ${escapeCardText(
              `was marked ready after the decision window closed at the end of ${short(input.decisionsClose)}. weqs sent it at once rather than hold it back.`,
            )}`,
          ),
        ],
      },
      factSet([
        ['Organisation', organisation],
        ['Reference', reference],
        ['Decision window closed', short(input.decisionsClose)],
        ['Sent', formatUkDateTime(input.sentOn)],
      ]),
      subheading('What to do'),
      paragraph(
        escapeCardText(
          'Nothing, unless the applicant asks why the decision came late. If other decisions from this cycle are still waiting, mark them ready soon: each is sent as soon as it is marked.',
        ),
      ),
    ],
    input.listUrl === undefined ? [] : [openUrl('Open Applications list', input.listUrl)],
  );
}

// ---------------------------------------------------------------------------------------------
// 3. Review calendar rows ignored
// ---------------------------------------------------------------------------------------------

export interface InvalidCalendarRowsCardInput {
  /** As in `RejectedCalendarRow`: how staff recognise the row, and one sentence per problem. */
  rows: readonly { label: string; reasons: readonly string[] }[];
  calendarUrl: string;
}

export function invalidCalendarRowsCard(input: InvalidCalendarRowsCardInput): TeamsWebhookPayload {
  const rows = input.rows.map((row): CardElement => {
    const reasons = row.reasons.slice(0, MAX_REASONS_PER_ROW);
    const hiddenReasons = row.reasons.length - reasons.length;
    return {
      type: 'Container',
      spacing: 'Medium',
      items: [
        { type: 'TextBlock', text: untrusted(row.label, CAP.label), wrap: true, weight: 'Bolder' },
        ...reasons.map((reason) => paragraph(`• ${untrusted(reason, CAP.calendarReason)}`, { spacing: 'None' })),
        ...(hiddenReasons > 0 ? [paragraph(escapeCardText(`and ${plural(hiddenReasons, 'more problem', 'more problems')}`), { isSubtle: true, spacing: 'None' })] : []),
        ...(row.reasons.length === 0 ? [paragraph(escapeCardText('No reason was recorded.'), { isSubtle: true, spacing: 'None' })] : []),
      ],
    };
  });
  const { shown, hidden } = fitted(rows, LIST_BYTES.only);
  const total = input.rows.length;
  return toPayload(
    [
      heading('Review calendar rows ignored'),
      paragraph(
        escapeCardText(
          `weqs is ignoring ${plural(total, 'row', 'rows')} of the review calendar because of the problems below. The other rows are in use. Once a row is fixed, weqs uses it from the next time it reads the calendar.`,
        ),
      ),
      ...(shown.length === 0 && total === 0 ? [paragraph(escapeCardText('No rows are being ignored.'), { isSubtle: true })] : shown),
      ...(hidden > 0 ? [paragraph(escapeCardText(`and ${plural(hidden, 'more row', 'more rows')}`), { isSubtle: true })] : []),
    ],
    [openUrl('Open review calendar', input.calendarUrl)],
  );
}

// ---------------------------------------------------------------------------------------------
// 4. Weekly digest
// ---------------------------------------------------------------------------------------------

export interface WeeklyDigestCardInput {
  /** Any instant in the week; the card shows its UK date. */
  weekOf: Date;
  newApplications: readonly { organisationName: string; reference: string; receivedAt: Date }[];
  /** Undefined when no cycle is published (reviews paused). */
  nextDeadline?: { cycleName: string; submissionDeadline: Date; daysLeft: number };
  /** Open applications against the next deadline, as their evidence stands now. */
  readiness: { ready: number; notReady: number; byLevel: Record<SupportedAwardLevel, number> };
  /** Decisions recorded but not yet sent, when a decision window is open or near. */
  decisionsDue?: number;
  expiringSoon: readonly { organisationName: string; reference: string; expiresOn: UkDate }[];
  listUrl: string;
}

export function weeklyDigestCard(input: WeeklyDigestCardInput): TeamsWebhookPayload {
  const next = input.nextDeadline;
  const fresh = input.newApplications.length;
  const expiring = input.expiringSoon.length;
  return toPayload(
    [
      heading(`Weekly summary: week of ${short(input.weekOf)}`),
      factSet([
        ['New applications', String(fresh)],
        [
          'Next deadline',
          next === undefined
            ? 'None published: new applicants are told reviews are paused'
            : `${cycleName(next.cycleName)}, ${short(next.submissionDeadline)} (${describeDaysLeft(count(next.daysLeft))})`,
        ],
        ['Ready for review', String(count(input.readiness.ready))],
        ['Not ready yet', String(count(input.readiness.notReady))],
        ['Evidence count supports', levelCounts(input.readiness.byLevel)],
        ['Decisions to send', input.decisionsDue === undefined ? undefined : String(count(input.decisionsDue))],
        ['Awards expiring soon', String(expiring)],
      ]),
      subheading(`New applications (${fresh})`),
      ...factList(
        input.newApplications.map((application) => ({
          title: untrusted(application.reference, CAP.reference),
          value: `${untrusted(application.organisationName, CAP.organisation)}, received ${formatUkDateTime(application.receivedAt)}`,
        })),
        LIST_BYTES.eachOfTwo,
        'None this week.',
      ),
      subheading(`Awards expiring soon (${expiring})`),
      ...factList(
        input.expiringSoon.map((award) => ({
          title: untrusted(award.reference, CAP.reference),
          value: `${untrusted(award.organisationName, CAP.organisation)}, expires ${short(award.expiresOn)}`,
        })),
        LIST_BYTES.eachOfTwo,
        'None.',
      ),
    ],
    [openUrl('Open Applications list', input.listUrl)],
  );
}

// ---------------------------------------------------------------------------------------------
// 5. Reviews paused, and a new cycle published
// ---------------------------------------------------------------------------------------------

export interface ReviewsPausedCardInput {
  /** The cycle whose deadline has just passed, when there was one. */
  lastCycle?: { name: string; submissionDeadline: Date };
  /** Applicants told reviews are paused, who will be emailed when a cycle is published. */
  waitingApplicants: number;
  calendarUrl: string;
}

export function reviewsPausedCard(input: ReviewsPausedCardInput): TeamsWebhookPayload {
  const waiting = count(input.waitingApplicants);
  const last = input.lastCycle;
  return toPayload(
    [
      heading('Reviews paused: no review cycle is published'),
      paragraph(
        escapeCardText(
          'The review calendar has no published cycle with a deadline still to come. New and rolled-over applicants are told that reviews are paused and that they will hear when dates are published.',
        ),
      ),
      factSet([
        ['Last deadline', last === undefined ? undefined : `${cycleName(last.name)}, ${short(last.submissionDeadline)}`],
        ['Applicants waiting', String(waiting)],
      ]),
      subheading('What to do'),
      paragraph(
        escapeCardText(
          'Add the next cycle to the review calendar and publish it. weqs will then email the waiting applicants their new dates.',
        ),
      ),
    ],
    [openUrl('Open review calendar', input.calendarUrl)],
  );
}

export interface CyclePublishedCardInput {
  cycle: { name: string; submissionDeadline: Date; decisionsOpen?: UkDate; decisionsClose?: UkDate };
  /** Applicants who applied while reviews were paused, now emailed the new dates. */
  waitingApplicants: number;
  listUrl?: string;
}

export function cyclePublishedCard(input: CyclePublishedCardInput): TeamsWebhookPayload {
  const waiting = count(input.waitingApplicants);
  const { cycle } = input;
  const decisions =
    cycle.decisionsOpen === undefined || cycle.decisionsClose === undefined ? undefined : `${short(cycle.decisionsOpen)} to ${short(cycle.decisionsClose)}`;
  return toPayload(
    [
      heading(`Review cycle published: ${clipLine(cycle.name, CAP.cycle)}`),
      paragraph(
        escapeCardText(
          waiting === 0
            ? 'Reviews had been paused. No applicants were waiting, so nobody needed an email.'
            : `Reviews had been paused. weqs emailed the ${plural(waiting, 'applicant', 'applicants')} who applied while they were paused, with the new dates.`,
        ),
      ),
      factSet([
        ['Cycle', cycleName(cycle.name)],
        ['Submission deadline', short(cycle.submissionDeadline)],
        ['Decisions', decisions],
        ['Applicants emailed', String(waiting)],
      ]),
      paragraph(escapeCardText('Nothing to do now.'), { isSubtle: true }),
    ],
    input.listUrl === undefined ? [] : [openUrl('Open Applications list', input.listUrl)],
  );
}

// ---------------------------------------------------------------------------------------------
// Staff changed a published cycle's dates
// ---------------------------------------------------------------------------------------------

/** Which of a cycle's dates staff changed, in the calendar's own words. */
export type CalendarDateField = 'Submission deadline' | 'Review start' | 'Review end' | 'Decisions open' | 'Decisions close';

export interface CycleDatesChangedCardInput {
  cycle: { name: string };
  /** Each date that changed, from what the calendar said before to what it says now. */
  changes: readonly { field: CalendarDateField; from: UkDate; to: UkDate }[];
  /** Applicants emailed the new submission deadline (open applications targeting the cycle). */
  toldOfDeadline: number;
  /** Applicants emailed that decisions come later than they were told. */
  toldOfDecisions: number;
  calendarUrl: string;
}

export function cycleDatesChangedCard(input: CycleDatesChangedCardInput): TeamsWebhookPayload {
  const deadline = count(input.toldOfDeadline);
  const decisions = count(input.toldOfDecisions);
  const told =
    deadline + decisions === 0
      ? 'No applicant needed an email.'
      : [
          deadline > 0 ? `weqs emailed ${plural(deadline, 'applicant')} the new submission deadline.` : '',
          decisions > 0 ? `weqs emailed ${plural(decisions, 'applicant')} that decisions come later than they were told.` : '',
        ]
          .filter((sentence) => sentence !== '')
          .join(' ');
  return toPayload(
    [
      heading(`Review calendar dates changed: ${clipLine(input.cycle.name, CAP.cycle)}`),
      paragraph(escapeCardText(`Someone changed the dates of a published cycle in the review calendar. ${told}`)),
      factSet(input.changes.map((change) => [change.field, `${short(change.from)} → ${short(change.to)}`] as const)),
      subheading('What to do'),
      paragraph(escapeCardText('Nothing, if the change was meant. If it was a mistake, put the dates back: applicants are emailed again only about a date they have not been told yet.')),
    ],
    [openUrl('Open review calendar', input.calendarUrl)],
  );
}

// ---------------------------------------------------------------------------------------------
// A further-information due date after the decision window
// ---------------------------------------------------------------------------------------------

export interface InformationDueAfterDecisionsCardInput {
  organisationName: string;
  reference: string;
  cycle: { name: string; decisionsClose: UkDate };
  /** The due date staff set for the further information. */
  dueOn: UkDate;
  listUrl: string;
}

export function informationDueAfterDecisionsCard(input: InformationDueAfterDecisionsCardInput): TeamsWebhookPayload {
  const organisation = untrusted(input.organisationName, CAP.organisation);
  const reference = untrusted(input.reference, CAP.reference);
  return toPayload(
    [
      heading('Further information is due after the decision window closes'),
      {
        type: 'Container',
        style: 'warning',
        items: [
          paragraph(
            `${escapeCardText('The further information asked of')} ${organisation} (${reference}) ${escapeCardText(
              `is due on ${short(input.dueOn)}, after the decision window of ${cycleName(input.cycle.name)} closes at the end of ${short(input.cycle.decisionsClose)}. weqs has sent the request as it stands.`,
            )}`,
          ),
        ],
      },
      factSet([
        ['Organisation', organisation],
        ['Reference', reference],
        ['Information due', short(input.dueOn)],
        ['Decision window closes', short(input.cycle.decisionsClose)],
      ]),
      subheading('What to do'),
      paragraph(
        escapeCardText('If the date is a mistake, change the due date in the Applications list (the applicant is sent the corrected request). Otherwise extend the decision window in the review calendar, or expect this decision to be sent late.'),
      ),
    ],
    [openUrl('Open Applications list', input.listUrl)],
  );
}
