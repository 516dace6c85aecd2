/**
 * The emails of the review calendar stage: deadline reminders, the notices sent when a deadline
 * passes (reviewed or rolled over), requests for more information, decisions, award expiry and
 * renewal, and the replies about reminders and paused reviews.
 *
 * Same house style as the applicant emails (see `email-document.ts`): plain English for busy NHS
 * administrators, the action first, dates written out in UK time, and every value from an email,
 * a folder or a staff-edited list cleaned, capped and escaped. Subjects start with what happened
 * and then name the standard, the organisation and the reference: a reply ("RE: …") must never
 * read as a new application request, so no subject starts with the standard's name.
 */
import { reviewsPausedText } from './applicant-emails.js';
import { AWARD_DOCUMENT_THRESHOLDS, AWARD_LEVELS, AWARD_VALIDITY_YEARS, awardLevelRank, renewalOpensOn, type AwardLevel } from './award.js';
import {
  codePointLength,
  email,
  example,
  greeting,
  h1,
  h2,
  item,
  link,
  ol,
  p,
  paragraphsOf,
  render,
  REQUEST_SUBJECT_PREFIX,
  signOff,
  STANDARD_NAME,
  staffNote,
  strong,
  ul,
  value,
  type Block,
  type EmailContent,
  type Inline,
  type ListItem,
} from './email-document.js';
import { CURRENT_EVIDENCE_RULE, currentFromDate, type EvidenceDocument, type EvidenceReadiness, type ReadinessGap } from './evidence-readiness.js';
import { describeDaysLeft } from './reminder-schedule.js';
import { MAX_ORGANISATION_NAME_LENGTH } from './request-subject.js';
import { addUkDays, addUkYears, formatUkDate, type UkDate } from './uk-dates.js';
import { clipLine } from './text-escaping.js';
import { plural } from './plural.js';

export type { EmailContent } from './email-document.js';

/** Mail clients show subjects up to this many characters in full. */
const MAX_SUBJECT_LENGTH = 255;

// Caps, in code points, for values from emails, folders and staff lists.
const CAP = {
  organisationInSubject: 150,
  organisation: MAX_ORGANISATION_NAME_LENGTH,
  reference: 60,
  cycleName: 80,
  fileName: 200,
  folderName: 120,
  criterionId: 40,
  odsCode: 20,
  instruction: 200,
  note: 4000,
  advice: 400,
  awardingBody: 100,
} as const;

/** Documents named in one list (stale, misplaced, missing); the rest are counted. */
export const MAX_LISTED_DOCUMENTS = 20;

const DEFAULT_START_INSTRUCTION = 'reply to this email with "START REMINDERS" in the subject';

// ---------------------------------------------------------------------------------------------
// Inputs shared by the emails
// ---------------------------------------------------------------------------------------------

/** What every email about an existing application needs. */
export interface ApplicationEmailBase {
  requesterName?: string;
  organisationName: string;
  reference: string;
  supportAddress: string;
}

/** A cycle as applicants need it before its deadline. */
export interface CycleDeadline {
  name: string;
  /** The instant submissions close: the end of a UK day. */
  submissionDeadline: Date;
}

/** A cycle with its decision window, for emails that say when decisions come. */
export interface CycleWithDecisions extends CycleDeadline {
  decisionsOpen: UkDate;
  decisionsClose: UkDate;
}

/** Where and how to send a new request: the renewal and re-application emails need both. */
export interface NewRequestDetails {
  /** The inbox requests are sent to. */
  inboxAddress: string;
  /** Added to the example subject, so the new request is matched to the organisation at once. */
  odsCode?: string;
}

// ---------------------------------------------------------------------------------------------
// Shared wording
// ---------------------------------------------------------------------------------------------

/**
 * "Topic – Work Experience Quality Standard – Organisation (REFERENCE)", within the length mail
 * clients show: the organisation name gives way first, because the reference identifies the
 * application and the topic says what the email is about.
 */
/** Who awards the standard unless staff set WEQS_AWARDING_BODY. */
export const DEFAULT_AWARDING_BODY = 'NHS England';

function subjectFor(topic: string, organisationName: string, reference: string): string {
  const ref = clipLine(reference, CAP.reference);
  const tail = ref === '' ? '' : ` (${ref})`;
  const head = `${topic} – ${STANDARD_NAME} – `;
  const room = Math.min(CAP.organisationInSubject, MAX_SUBJECT_LENGTH - codePointLength(head) - codePointLength(tail));
  return `${head}${clipLine(organisationName, Math.max(room, 20))}${tail}`;
}

const longDate = (date: UkDate | Date) => formatUkDate(date, 'long');
const mediumDate = (date: UkDate | Date) => formatUkDate(date, 'medium');

/** "the end of Monday 18 January 2027 (UK time)": how every closing date is written. */
function endOf(date: UkDate | Date): string {
  return `the end of ${longDate(date)} (UK time)`;
}


/** "A", "A and B", "A, B and C", as inline parts so each value keeps its own isolation. */
function andList(values: readonly Inline[]): Inline[] {
  return values.flatMap((entry, index) => {
    if (index === 0) return [entry];
    return [index === values.length - 1 ? ' and ' : ', ', entry];
  });
}

/** Whole days, never negative: a caller's fraction or NaN must not reach the wording. */
function wholeDays(days: number): number {
  return Number.isFinite(days) ? Math.max(0, Math.trunc(days)) : 0;
}

/** Settings text such as `reply with "STOP REMINDERS" in the subject`, ready to end a sentence. */
function instruction(text: string): string {
  return clipLine(text, CAP.instruction).replace(/[.\s]+$/u, '');
}

function getHelp(supportAddress: string, reference: string): Block[] {
  const quote: Inline[] = reference === '' ? ['.'] : ['. Please include your reference, ', value(reference), '.'];
  return [h2('Get help'), p('If you have a question, email ', email(supportAddress), ...quote)];
}

function folderLink(folderUrl: string): Block {
  return link('Open your evidence folder', folderUrl);
}

/** The steps for sending a new request, with the exact subject to use. */
function newRequestSteps(organisation: string, details: NewRequestDetails, opensOn?: string): Block[] {
  const ods = details.odsCode === undefined ? '' : clipLine(details.odsCode, CAP.odsCode);
  return [
    ol(
      item(opensOn === undefined ? 'Write' : `From ${opensOn}, write`, ' a new email (do not reply to this one) to ', email(details.inboxAddress), '.'),
      item('Use exactly this subject:'),
    ),
    example(REQUEST_SUBJECT_PREFIX, value(organisation), ...(ods === '' ? [] : [' (', value(ods), ')'])),
    p('We will reply with a new application form, a new evidence folder and the review dates.'),
  ];
}

/** What applicants read while no future cycle is published: staff's wording (WEQS_REVIEWS_PAUSED_MESSAGE) or ours. */
export interface ReviewsPausedWording {
  /** True when no future review cycle is published: say reviews are paused, not "the next review cycle". */
  reviewsPaused?: boolean;
  /** Staff's wording for the pause; defaults to `reviewsPausedText`. */
  reviewsPausedMessage?: string;
}

function pausedBlocks(wording: ReviewsPausedWording): Block[] {
  const message = wording.reviewsPausedMessage === undefined ? [] : paragraphsOf(wording.reviewsPausedMessage);
  return message.length > 0 ? message : [p(reviewsPausedText)];
}

function nextDeadline(cycle: CycleDeadline): Block {
  return p(
    strong(`The next submission deadline is ${endOf(cycle.submissionDeadline)}.`),
    ' This is for our ',
    value(clipLine(cycle.name, CAP.cycleName)),
    ' review.',
  );
}

// ---------------------------------------------------------------------------------------------
// Evidence readiness, in words
// ---------------------------------------------------------------------------------------------

/** The level to aim at when the applicant has not said: the next one up, or gold. */
export function defaultAimLevel(readiness: Pick<EvidenceReadiness, 'supportedLevel'>): AwardLevel {
  return AWARD_LEVELS[awardLevelRank(readiness.supportedLevel)] ?? 'gold';
}

function sectionFolder(readiness: EvidenceReadiness, sectionId: string | undefined): string {
  const section = readiness.sections.find((entry) => entry.sectionId === sectionId);
  return clipLine(section?.folderName ?? sectionId ?? '', CAP.folderName);
}

/** Named documents, at most MAX_LISTED_DOCUMENTS of them, then a count of the rest. */
function documentList(documents: readonly EvidenceDocument[], describe: (document: EvidenceDocument) => Inline[]): ListItem[] {
  const shown = documents.slice(0, MAX_LISTED_DOCUMENTS).map((document) => item(...describe(document)));
  const hidden = documents.length - MAX_LISTED_DOCUMENTS;
  return hidden > 0 ? [...shown, item(`and ${plural(hidden, 'more document', 'more documents')}`)] : shown;
}

function sectionLine(entry: EvidenceReadiness['sections'][number]): ListItem {
  const folder = value(clipLine(entry.folderName, CAP.folderName));
  if (entry.currentCount === 0 && entry.staleCount === 0) return item(folder, ': no documents');
  if (entry.currentCount === 0) return item(folder, `: no current documents (${plural(entry.staleCount, 'is', 'are')} older than 12 months)`);
  const stale = entry.staleCount === 0 ? '' : `, and ${entry.staleCount} older than 12 months`;
  return item(folder, `: ${plural(entry.currentCount, 'current document', 'current documents')}${stale}`);
}

function levelSentence(readiness: EvidenceReadiness): string {
  const level = readiness.supportedLevel;
  if (level === 'none') {
    return `That is below the standard's minimum for any award: at least ${AWARD_DOCUMENT_THRESHOLDS.bronze} for bronze.`;
  }
  const next = AWARD_LEVELS[awardLevelRank(level)];
  const nextPart = next === undefined ? '' : ` (${next} needs at least ${AWARD_DOCUMENT_THRESHOLDS[next]})`;
  return `That meets the standard's minimum number for ${level}${nextPart}. A minimum makes you eligible for a level; the award itself depends on how well your evidence meets the criteria.`;
}

/** What the folder holds: form, documents per section, stale and misplaced files, commentary, level. */
function readinessSummary(readiness: EvidenceReadiness): Block {
  const items: ListItem[] = [
    item(readiness.formPresent ? 'Application form: in your folder.' : strong('Application form: not found in your folder.')),
    {
      parts: [
        `Current documents (dated on or after ${mediumDate(readiness.currentFrom)}): ${readiness.currentDocumentCount}. ${levelSentence(readiness)}`,
      ],
      sublist: ul(...readiness.sections.map(sectionLine)),
    },
  ];
  if (readiness.staleDocuments.length > 0) {
    items.push({
      parts: [`Older than 12 months, so not counted (${readiness.staleDocuments.length}):`],
      sublist: ul(
        ...documentList(readiness.staleDocuments, (document) => [
          value(clipLine(document.name, CAP.fileName)),
          ' in ',
          value(sectionFolder(readiness, document.sectionId)),
          `, dated ${mediumDate(document.date)}`,
        ]),
      ),
    });
  }
  if (readiness.outsideSections.length > 0) {
    items.push({
      parts: [`Not in a section folder, so not counted until you move them into one (${readiness.outsideSections.length}):`],
      sublist: ul(...documentList(readiness.outsideSections, (document) => [value(clipLine([...document.path, document.name].join('/'), CAP.fileName))])),
    });
  }
  if (!readiness.commentaryChecked) {
    items.push(item('Supporting commentary: we could not read the commentary boxes in your form, so we have not checked them.'));
  } else if (readiness.emptyCommentary.length > 0) {
    items.push(
      item(
        `Supporting commentary: ${plural(readiness.emptyCommentary.length, 'box is', 'boxes are')} empty (`,
        ...andList(readiness.emptyCommentary.map((id) => value(clipLine(id, CAP.criterionId)))),
        ').',
      ),
    );
  } else {
    items.push(item('Supporting commentary: every box is filled in.'));
  }
  if (readiness.unreferencedCommentary.length > 0) {
    items.push(item(`Commentary that names no evidence document: ${plural(readiness.unreferencedCommentary.length, 'box', 'boxes')}.`));
  }
  if (readiness.missingReferences.length > 0) {
    items.push(
      item(`Documents named in your commentary but not in your folder: ${readiness.missingReferences.length}.`),
    );
  }
  if (readiness.advice.length > 0) {
    items.push({
      parts: ['Advice (none of this stops your application being reviewed):'],
      sublist: ul(...readiness.advice.slice(0, MAX_LISTED_DOCUMENTS).map((advice) => item(clipLine(advice, CAP.advice)))),
    });
  }
  return ul(...items);
}

/**
 * The readiness summary a deadline reminder carries, as plain-text lines, for staff previewing
 * reminders (`weqs reminders --dry-run`).
 */
export function readinessSummaryLines(readiness: EvidenceReadiness): string[] {
  return render('Evidence readiness', [readinessSummary(readiness)])
    .text.split('\n')
    .filter((line) => line.trim() !== '');
}

/**
 * One action per gap, in the order `missingForLevel` gives them. Commentary boxes are grouped
 * into one line each for "empty" and "names no document", so a form with many empty boxes reads
 * as one task rather than a page of them.
 */
function gapItems(readiness: EvidenceReadiness, gaps: readonly ReadinessGap[]): ListItem[] {
  const items: ListItem[] = [];
  const empty = gaps.flatMap((gap) => (gap.kind === 'commentary-empty' ? [value(clipLine(gap.criterionId, CAP.criterionId))] : []));
  const unreferenced = gaps.flatMap((gap) => (gap.kind === 'commentary-unreferenced' ? [value(clipLine(gap.criterionId, CAP.criterionId))] : []));
  const missing = gaps.flatMap((gap) => (gap.kind === 'reference-missing' ? [gap] : []));
  let emptyDone = false;
  let unreferencedDone = false;
  let missingDone = false;
  for (const gap of gaps) {
    switch (gap.kind) {
      case 'form-missing':
        items.push(
          item(
            'Put your application form back in your folder. We could not find it: if you renamed it, change the name back; if you deleted it, email us for a new copy.',
          ),
        );
        break;
      case 'documents-short': {
        const short = gap.needed - gap.have;
        items.push(
          item(
            `Add ${plural(short, 'more current document', 'more current documents')}: a ${gap.level} award needs at least ${gap.needed}, and you have ${gap.have}.`,
          ),
        );
        break;
      }
      case 'section-empty':
        items.push(
          item(
            'Add at least one current document to ',
            value(sectionFolder(readiness, gap.sectionId)),
            gap.staleCount === 0 ? ' (it has none).' : ` (${plural(gap.staleCount, 'document there is', 'documents there are')} older than 12 months).`,
          ),
        );
        break;
      case 'commentary-empty':
        if (!emptyDone) {
          emptyDone = true;
          items.push(item(`Fill in the supporting commentary ${empty.length === 1 ? 'box' : 'boxes'} for `, ...andList(empty), '.'));
        }
        break;
      case 'commentary-unreferenced':
        if (!unreferencedDone) {
          unreferencedDone = true;
          items.push(
            item(
              'In the commentary for ',
              ...andList(unreferenced),
              ', name the documents that show you meet the criterion, with file names and page numbers.',
            ),
          );
        }
        break;
      case 'reference-missing':
        if (!missingDone) {
          missingDone = true;
          const shown = missing.slice(0, MAX_LISTED_DOCUMENTS);
          for (const reference of shown) {
            items.push(
              item(
                'Upload "',
                value(clipLine(reference.documentName, CAP.fileName)),
                '", which your commentary for ',
                value(clipLine(reference.criterionId, CAP.criterionId)),
                ' names, or correct the name in the commentary.',
              ),
            );
          }
          const hidden = missing.length - shown.length;
          if (hidden > 0) items.push(item(`Upload, or correct the names of, ${plural(hidden, 'more document', 'more documents')} your commentary names.`));
        }
        break;
    }
  }
  return items;
}

const READY_RULE = `To be ready for review, your folder needs your application form, at least ${AWARD_DOCUMENT_THRESHOLDS.bronze} current documents (the standard's minimum for bronze), and every supporting commentary box filled in, naming the documents that support it.`;

/**
 * Exactly what `missingForLevel(aim)` reports. When the application is not ready for review and
 * aims above bronze, what blocks the review comes first and the extra documents the level needs
 * second, so a busy reader sees what must be done by the deadline.
 */
function missingFor(readiness: EvidenceReadiness, aim: AwardLevel): Block[] {
  const gaps = readiness.missingForLevel(aim);
  if (gaps.length === 0) {
    return [p(`Nothing that we check is missing for a ${aim} award. Our reviewers will judge how well your evidence meets each criterion.`)];
  }
  if (aim === 'bronze' || readiness.readyForReview) return [p(`To aim for a ${aim} award, you still need to:`), ul(...gapItems(readiness, gaps))];
  // Every gap but the document count is the same at every level, so the review's blockers are
  // the bronze gaps, and the aim level adds at most its own document count.
  const blocks: Block[] = [p('Before we can review your application, you need to:'), ul(...gapItems(readiness, readiness.reasons))];
  const documents = gaps.find((gap) => gap.kind === 'documents-short');
  if (documents !== undefined) {
    blocks.push(
      p(`For a ${aim} award, you also need:`),
      ul(item(`at least ${documents.needed} current documents in total: ${documents.needed - documents.have} more than you have now.`)),
    );
  }
  return blocks;
}

// ---------------------------------------------------------------------------------------------
// 1. Deadline reminder
// ---------------------------------------------------------------------------------------------

export interface DeadlineReminderEmailInput extends ApplicationEmailBase {
  folderUrl: string;
  formUrl: string;
  cycle: CycleDeadline;
  /** Whole UK days from today to the deadline day (`DeadlineReminder.daysLeft`); 0 is the deadline day. */
  daysLeft: number;
  /** The deadline's previous UK date, when it has been moved. */
  movedFrom?: UkDate;
  /** Assessed against this cycle's deadline. */
  readiness: EvidenceReadiness;
  /** The level the applicant aims at; defaults to `defaultAimLevel(readiness)`. */
  aimLevel?: AwardLevel;
  /** Ends the sentence "To stop these reminders, …", e.g. `reply with "STOP REMINDERS" in the subject`. */
  stopInstruction: string;
  /**
   * False when no cycle after this one is published: an application not ready at the deadline
   * waits, still open, until one is (reviews are paused), rather than moving to a named cycle.
   */
  laterCyclePublished?: boolean;
}

export function deadlineReminderEmail(input: DeadlineReminderEmailInput): EmailContent {
  const organisation = clipLine(input.organisationName, CAP.organisation);
  const reference = clipLine(input.reference, CAP.reference);
  const days = wholeDays(input.daysLeft);
  const when = describeDaysLeft(days);
  const deadline = input.cycle.submissionDeadline;
  const readiness = input.readiness;
  const aim = input.aimLevel ?? defaultAimLevel(readiness);
  const moved = input.movedFrom !== undefined;
  const laterCycle = input.laterCyclePublished !== false;
  const subject = subjectFor(`${moved ? 'New submission deadline' : 'Submission deadline'} ${when}`, input.organisationName, input.reference);

  const blocks: Block[] = [
    h1(`Your submission deadline is ${when}`),
    greeting(input.requesterName),
    p(`This is a reminder about your application for the ${STANDARD_NAME} for `, value(organisation), '.'),
  ];
  if (input.movedFrom !== undefined) {
    blocks.push(p(strong(`The submission deadline has moved from ${longDate(input.movedFrom)} to ${longDate(deadline)}.`)));
  }
  blocks.push(
    p(strong(`The deadline is ${endOf(deadline)}.`), ' This is for our ', value(clipLine(input.cycle.name, CAP.cycleName)), ' review.'),

    h2('Where your application stands'),
    p(
      readiness.readyForReview ? strong('Your application is ready for review.') : strong('Your application is not ready for review yet.'),
      ' This is what we found in your folder:',
    ),
    readinessSummary(readiness),

    h2(`What is missing for a ${aim} award`),
    ...missingFor(readiness, aim),

    h2('What happens at the deadline'),
    ...(readiness.readyForReview
      ? [
          p('At the deadline, your application will go into review, and we will review what is in your folder then. You can keep adding and improving evidence until the deadline.'),
          p(
            laterCycle
              ? 'From the deadline, your folder will be read-only: you will be able to open it, but not change it. If your application is no longer ready at the deadline, it will move to the next review cycle instead.'
              : 'From the deadline, your folder will be read-only: you will be able to open it, but not change it. If your application is no longer ready at the deadline, it will stay open and wait until new review dates are published, and we will email you then.',
          ),
        ]
      : [
          p(
            laterCycle
              ? 'If your application is still not ready at the deadline, we will not review it in this cycle. It will move to the next review cycle, and we will email you.'
              : 'If your application is still not ready at the deadline, we will not review it in this cycle. No later review cycle has been published yet, so your application will stay open and wait until new review dates are published. We will email you then.',
          ),
        ]),

    h2('Your folder and form'),
    folderLink(input.folderUrl),
    link('Open your application form', input.formUrl),

    h2('Stop these reminders'),
    p(`To stop these reminders, ${instruction(input.stopInstruction)}. We will still email you about the review of your application and our decision.`),

    ...getHelp(input.supportAddress, reference),
    ...signOff(),
  );
  return render(subject, blocks);
}

// ---------------------------------------------------------------------------------------------
// 2. Rolled over to the next cycle
// ---------------------------------------------------------------------------------------------

export interface RolledOverEmailInput extends ApplicationEmailBase {
  folderUrl: string;
  /** The cycle whose deadline has just passed. */
  fromCycle: CycleDeadline;
  /** The cycle the application now targets; undefined when none is published (reviews paused). */
  toCycle?: CycleDeadline;
  /** Assessed against `fromCycle`'s deadline. */
  readiness: EvidenceReadiness;
  /** Shown when `toCycle` is undefined; defaults to `reviewsPausedText`. */
  reviewsPausedMessage?: string;
  /** Ends "To stop reminders, …"; without it, stopping reminders is not mentioned. */
  stopInstruction?: string;
}

export function rolledOverEmail(input: RolledOverEmailInput): EmailContent {
  const organisation = clipLine(input.organisationName, CAP.organisation);
  const reference = clipLine(input.reference, CAP.reference);
  const to = input.toCycle;
  const subject = subjectFor(
    to === undefined ? 'Your application was not reviewed this cycle' : 'Your application has moved to the next review cycle',
    input.organisationName,
    input.reference,
  );

  const blocks: Block[] = [
    h1('Your application was not reviewed in this cycle'),
    greeting(input.requesterName),
    p(
      'The submission deadline for our ',
      value(clipLine(input.fromCycle.name, CAP.cycleName)),
      ` review was ${endOf(input.fromCycle.submissionDeadline)}. Your application for `,
      value(organisation),
      ' was not ready for review at the deadline, so we have not reviewed it in this cycle.',
    ),
    p(strong('Your application is still open.'), ' You do not need to apply again: keep working in the same folder.'),

    h2('Why it was not ready'),
    p('This is what we found in your folder at the deadline:'),
    readinessSummary(input.readiness),
  ];
  const reasons = input.readiness.reasons;
  if (reasons.length > 0) blocks.push(p('To be ready for review, you need to:'), ul(...gapItems(input.readiness, reasons)));
  else blocks.push(p(READY_RULE));

  blocks.push(h2(to === undefined ? 'What happens next' : 'Your new deadline'));
  if (to === undefined) {
    const message = input.reviewsPausedMessage === undefined ? [] : paragraphsOf(input.reviewsPausedMessage);
    blocks.push(
      ...(message.length > 0 ? message : [p(reviewsPausedText)]),
      p('Your application will move to the next review cycle once its dates are published. Until then, you can keep adding evidence to your folder.'),
    );
  } else {
    blocks.push(
      p(
        'Your application has moved to our ',
        value(clipLine(to.name, CAP.cycleName)),
        ' review. ',
        strong(`The new submission deadline is ${endOf(to.submissionDeadline)}.`),
      ),
      p(
        `Evidence must be current at the new deadline: dated on or after ${longDate(currentFromDate(to.submissionDeadline))}. Documents older than that will not count.`,
      ),
      p(
        'We will email you reminders before the deadline.',
        ...(input.stopInstruction === undefined ? [] : [` To stop them, ${instruction(input.stopInstruction)}.`]),
      ),
    );
  }
  blocks.push(folderLink(input.folderUrl), ...getHelp(input.supportAddress, reference), ...signOff());
  return render(subject, blocks);
}

// ---------------------------------------------------------------------------------------------
// 3. Entered review
// ---------------------------------------------------------------------------------------------

export interface EnteredReviewEmailInput extends ApplicationEmailBase {
  cycle: { name: string; reviewEnd: UkDate; decisionsOpen: UkDate; decisionsClose: UkDate };
  /** The folder stays readable, so the link still helps. */
  folderUrl?: string;
}

export function enteredReviewEmail(input: EnteredReviewEmailInput): EmailContent {
  const organisation = clipLine(input.organisationName, CAP.organisation);
  const reference = clipLine(input.reference, CAP.reference);
  const { cycle } = input;
  const subject = subjectFor('Your application is being reviewed', input.organisationName, input.reference);
  const blocks: Block[] = [
    h1('We are reviewing your application'),
    greeting(input.requesterName),
    p(
      'The submission deadline has passed, and your application for ',
      value(organisation),
      ' was ready for review. We have received it for our ',
      value(clipLine(cycle.name, CAP.cycleName)),
      ' review.',
    ),

    h2('Your folder is now read-only'),
    p('While we review your application, you can open your evidence folder and your form, but you cannot add, change or delete anything.'),
    ...(input.folderUrl === undefined ? [] : [folderLink(input.folderUrl)]),

    h2('During the review'),
    p(
      `The review runs until ${longDate(cycle.reviewEnd)}. We may email you during it to ask for more information or evidence. If we do, we will open your folder for changes until a date we give you.`,
    ),

    h2('Our decision'),
    p(strong(`We will send you our decision between ${longDate(cycle.decisionsOpen)} and ${longDate(cycle.decisionsClose)}.`)),
    ...getHelp(input.supportAddress, reference),
    ...signOff(),
  ];
  return render(subject, blocks);
}

// ---------------------------------------------------------------------------------------------
// 4. More information requested
// ---------------------------------------------------------------------------------------------

export interface InformationRequestedEmailInput extends ApplicationEmailBase {
  folderUrl: string;
  /** What the reviewers need, as staff typed it (plain text; line breaks are kept). */
  note: string;
  /** The folder is open for changes until the end of this UK day. */
  dueOn: UkDate;
}

export function informationRequestedEmail(input: InformationRequestedEmailInput): EmailContent {
  const organisation = clipLine(input.organisationName, CAP.organisation);
  const reference = clipLine(input.reference, CAP.reference);
  const note = staffNote(input.note, CAP.note);
  const subject = subjectFor('More information needed for your application', input.organisationName, input.reference);
  const blocks: Block[] = [
    h1('We need more information'),
    greeting(input.requesterName),
    p('While reviewing your application for ', value(organisation), ', our reviewers found that they need more information or evidence.'),

    h2('What we need'),
    ...(note.length > 0 ? [p('Our reviewers wrote:'), ...note] : [p('Our reviewers did not say what they need. Please email ', email(input.supportAddress), ' to ask.')]),

    h2('How to send it'),
    p(strong(`We have opened your evidence folder for changes until ${endOf(input.dueOn)}.`), ' After that, it will be read-only again while we finish the review.'),
    ol(
      item('Open your evidence folder.'),
      item('Add each document to the section folder it belongs to. If you change your application form, keep its name.'),
      item('Name any new documents in the supporting commentary, with file names and page numbers.'),
    ),
    folderLink(input.folderUrl),
    p('You do not need to tell us when you have finished. If you cannot send everything in time, email ', email(input.supportAddress), ' before then.'),
    ...getHelp(input.supportAddress, reference),
    ...signOff(),
  ];
  return render(subject, blocks);
}

// ---------------------------------------------------------------------------------------------
// 5. Decision
// ---------------------------------------------------------------------------------------------

export type AwardDecision = AwardLevel | 'not-awarded';

export interface DecisionEmailInput extends ApplicationEmailBase, NewRequestDetails {
  award: AwardDecision;
  /** The reviewers' decision notes, as staff typed them. */
  notes?: string;
  /** The UK date of the decision. */
  awardedOn: UkDate;
  /** Defaults to `awardedOn` two years on (the `awardExpiry` rule). Only read for an award. */
  expiresOn?: UkDate;
  /** Only read for an award. */
  certificateUrl?: string;
  /** Who awards the standard (WEQS_AWARDING_BODY); defaults to `DEFAULT_AWARDING_BODY`. */
  awardingBody?: string;
  /** Where to download the digital logo (WEQS_DIGITAL_LOGO_URL); without it, the email says we will send it. */
  digitalLogoUrl?: string;
  /** Only read when not awarded: where a new application would be reviewed. */
  nextCycle?: CycleDeadline;
  /** Only read when not awarded and there is no `nextCycle`: whether reviews are paused, and staff's wording. */
  paused?: ReviewsPausedWording;
}

export function decisionEmail(input: DecisionEmailInput): EmailContent {
  return input.award === 'not-awarded' ? notAwardedEmail(input) : awardedEmail(input, input.award);
}

function awardedEmail(input: DecisionEmailInput, level: AwardLevel): EmailContent {
  const organisation = clipLine(input.organisationName, CAP.organisation);
  const reference = clipLine(input.reference, CAP.reference);
  const expiresOn = input.expiresOn ?? addUkYears(input.awardedOn, AWARD_VALIDITY_YEARS);
  const notes = input.notes === undefined ? [] : staffNote(input.notes, CAP.note);
  const subject = subjectFor(`Decision on your application: ${level} award`, input.organisationName, input.reference);
  const blocks: Block[] = [
    h1(`Congratulations on your ${level} award`),
    greeting(input.requesterName),
    p(`We are pleased to tell you that `, value(organisation), ` has been awarded the ${STANDARD_NAME} at `, strong(`${level} level`), ` by ${clipLine(input.awardingBody ?? DEFAULT_AWARDING_BODY, CAP.awardingBody)}.`),
    p(`The award was made on ${longDate(input.awardedOn)}, free of charge. It is valid for two years, until ${endOf(expiresOn)}.`),
  ];
  if (notes.length > 0) blocks.push(h2('Feedback from our reviewers'), ...notes);
  blocks.push(
    h2('Your certificate'),
    ...(input.certificateUrl === undefined
      ? [p('If you need a copy of your certificate, email ', email(input.supportAddress), '.')]
      : [link('Open your certificate', input.certificateUrl)]),

    h2('Displaying your award'),
    ul(
      item('You can display the quality standard digital logo and your certificate to show that your organisation meets the standard, for example on your website and in information for learners, schools and colleges.'),
      item(
        input.digitalLogoUrl === undefined
          ? 'The digital logo is an image file of the quality standard award. We will email it to you separately.'
          : 'The digital logo is an image file of the quality standard award. You can download it from the link below.',
      ),
      item(`Say that your award is at ${level} level, and display it only while it is valid: until ${longDate(expiresOn)}.`),
    ),
    ...(input.digitalLogoUrl === undefined ? [] : [link('Download the digital logo', input.digitalLogoUrl)]),

    h2('Keeping your award'),
    p(
      `To keep the award after it expires, apply to renew it. You can apply to renew from ${longDate(renewalOpensOn(expiresOn))}, and we will remind you before your award expires.`,
    ),
    ...getHelp(input.supportAddress, reference),
    ...signOff(),
  );
  return render(subject, blocks);
}

function notAwardedEmail(input: DecisionEmailInput): EmailContent {
  const organisation = clipLine(input.organisationName, CAP.organisation);
  const reference = clipLine(input.reference, CAP.reference);
  const notes = input.notes === undefined ? [] : staffNote(input.notes, CAP.note);
  const subject = subjectFor('Decision on your application', input.organisationName, input.reference);
  // The certificate link and expiry are never read here, so a caller's mistake cannot send a
  // certificate with a refusal.
  const blocks: Block[] = [
    h1('Decision on your application'),
    greeting(input.requesterName),
    p(`Thank you for applying for the ${STANDARD_NAME} for `, value(organisation), '.'),
    p(strong('We have reviewed your application, and we are not able to make an award this time.')),

    h2('Why'),
    ...(notes.length > 0
      ? [p('Our reviewers wrote:'), ...notes]
      : [p('If you would like feedback on your application, email ', email(input.supportAddress), '.')]),

    h2('Applying again'),
    p(`You can apply again when you are ready. ${CURRENT_EVIDENCE_RULE}`),
    ...newRequestSteps(organisation, input),
    ...(input.nextCycle !== undefined ? [nextDeadline(input.nextCycle)] : input.paused?.reviewsPaused === true ? pausedBlocks(input.paused) : [p('We will tell you the review dates when you apply.')]),
    ...getHelp(input.supportAddress, reference),
    ...signOff(),
  ];
  return render(subject, blocks);
}

// ---------------------------------------------------------------------------------------------
// 6. Award expiring
// ---------------------------------------------------------------------------------------------

export interface AwardExpiryReminderEmailInput extends ApplicationEmailBase, NewRequestDetails {
  award: AwardLevel;
  /** The last UK day the award is current. */
  expiresOn: UkDate;
  /** Whole UK days from today to `expiresOn` (`ExpiryReminder.daysLeft`). */
  daysLeft: number;
  /** The first UK day a renewal is accepted; defaults to `renewalOpensOn(expiresOn)`. */
  renewalOpensOn?: UkDate;
  /** True when no future review cycle is published: say reviews are paused, not "the next cycle". */
  reviewsPaused?: boolean;
  /** Staff's wording for the pause (WEQS_REVIEWS_PAUSED_MESSAGE); defaults to `reviewsPausedText`. */
  reviewsPausedMessage?: string;
}

export function awardExpiryReminderEmail(input: AwardExpiryReminderEmailInput): EmailContent {
  const organisation = clipLine(input.organisationName, CAP.organisation);
  const reference = clipLine(input.reference, CAP.reference);
  const days = wholeDays(input.daysLeft);
  const when = describeDaysLeft(days);
  const today = addUkDays(input.expiresOn, -days);
  const opensOn = input.renewalOpensOn ?? renewalOpensOn(input.expiresOn);
  const openNow = opensOn <= today;
  const subject = subjectFor(`Your ${input.award} award expires ${when}`, input.organisationName, input.reference);
  const blocks: Block[] = [
    h1(`Your award expires ${when}`),
    greeting(input.requesterName),
    p(`The ${input.award} award for `, value(organisation), ` is valid until ${endOf(input.expiresOn)}.`),

    h2('Renew your award'),
    p(
      strong(openNow ? 'You can apply to renew it now.' : `You can apply to renew it from ${longDate(opensOn)}.`),
      input.reviewsPaused === true
        ? ' Renewing means applying again: we set up a new application.'
        : ' Renewing means applying again: we set up a new application, and review it in the next review cycle.',
    ),
    ...(input.reviewsPaused === true ? pausedBlocks(input) : []),
    ...newRequestSteps(organisation, input, openNow ? undefined : longDate(opensOn)),

    h2('If you do not renew'),
    p(`Please stop displaying the quality standard logo and certificate after ${longDate(input.expiresOn)}.`),
    ...getHelp(input.supportAddress, reference),
    ...signOff(),
  ];
  return render(subject, blocks);
}

// ---------------------------------------------------------------------------------------------
// 7. Award expired
// ---------------------------------------------------------------------------------------------

export interface AwardExpiredEmailInput extends ApplicationEmailBase, NewRequestDetails {
  award: AwardLevel;
  /** The last UK day the award was current. */
  expiredOn: UkDate;
  nextCycle?: CycleDeadline;
  /** Read when there is no `nextCycle`: whether reviews are paused, and staff's wording. */
  paused?: ReviewsPausedWording;
}

export function awardExpiredEmail(input: AwardExpiredEmailInput): EmailContent {
  const organisation = clipLine(input.organisationName, CAP.organisation);
  const reference = clipLine(input.reference, CAP.reference);
  const subject = subjectFor(`Your ${input.award} award has expired`, input.organisationName, input.reference);
  const blocks: Block[] = [
    h1('Your award has expired'),
    greeting(input.requesterName),
    p(`The ${input.award} award for `, value(organisation), ` expired at ${endOf(input.expiredOn)}.`),
    p('Please stop displaying the quality standard logo and certificate, for example on your website.'),

    h2('Applying again'),
    p('You can apply again at any time.'),
    ...newRequestSteps(organisation, input),
    ...(input.nextCycle !== undefined ? [nextDeadline(input.nextCycle)] : input.paused?.reviewsPaused === true ? pausedBlocks(input.paused) : []),
    ...getHelp(input.supportAddress, reference),
    ...signOff(),
  ];
  return render(subject, blocks);
}

// ---------------------------------------------------------------------------------------------
// 8. Award still current (reply to a new request)
// ---------------------------------------------------------------------------------------------

export interface AwardCurrentEmailInput extends ApplicationEmailBase, NewRequestDetails {
  award: AwardLevel;
  awardedOn: UkDate;
  expiresOn: UkDate;
  renewalOpensOn: UkDate;
  /** Whether reviews are paused (no future cycle published), and staff's wording. */
  paused?: ReviewsPausedWording;
}

export function awardCurrentEmail(input: AwardCurrentEmailInput): EmailContent {
  const organisation = clipLine(input.organisationName, CAP.organisation);
  const reference = clipLine(input.reference, CAP.reference);
  const subject = subjectFor('Your organisation already holds an award', input.organisationName, input.reference);
  const blocks: Block[] = [
    h1('Your organisation already holds an award'),
    greeting(input.requesterName),
    p(`Thank you for asking to apply for the ${STANDARD_NAME} for `, value(organisation), '.'),
    p(
      value(organisation),
      ` already holds the standard at ${input.award} level. It was awarded on ${longDate(input.awardedOn)} and is valid until ${endOf(input.expiresOn)}.`,
    ),
    p(strong('We have not set up a new application.')),

    h2('Renewing your award'),
    p(`You can apply to renew from ${longDate(input.renewalOpensOn)}. We will remind you before your award expires.`),
    ...(input.paused?.reviewsPaused === true ? pausedBlocks(input.paused) : []),
    ...newRequestSteps(organisation, input, longDate(input.renewalOpensOn)),
    p('If you think this is wrong (for example, if you work for a different organisation with a similar name), email ', email(input.supportAddress), '.'),
    ...getHelp(input.supportAddress, reference),
    ...signOff(),
  ];
  return render(subject, blocks);
}

// ---------------------------------------------------------------------------------------------
// 10. Reviews resumed
// ---------------------------------------------------------------------------------------------

export interface ReviewsResumedEmailInput extends ApplicationEmailBase {
  cycle: CycleWithDecisions;
  folderUrl?: string;
}

export function reviewsResumedEmail(input: ReviewsResumedEmailInput): EmailContent {
  const organisation = clipLine(input.organisationName, CAP.organisation);
  const reference = clipLine(input.reference, CAP.reference);
  const { cycle } = input;
  const subject = subjectFor('Review dates published', input.organisationName, input.reference);
  const blocks: Block[] = [
    h1('New review dates have been published'),
    greeting(input.requesterName),
    p(
      'When you applied for the ',
      `${STANDARD_NAME} for `,
      value(organisation),
      ', reviews of applications were paused. We have now published new review dates, and your application will be in our ',
      value(clipLine(cycle.name, CAP.cycleName)),
      ' review.',
    ),

    h2('Key dates'),
    p(strong(`The submission deadline is ${endOf(cycle.submissionDeadline)}.`)),
    p(`${CURRENT_EVIDENCE_RULE} For this deadline that is on or after ${longDate(currentFromDate(cycle.submissionDeadline))}.`),
    p('We will email you reminders before the deadline. If your application is not ready by then, it will move to the next review cycle.'),
    p(`We will send you our decision between ${longDate(cycle.decisionsOpen)} and ${longDate(cycle.decisionsClose)}.`),
    ...(input.folderUrl === undefined ? [] : [folderLink(input.folderUrl)]),
    ...getHelp(input.supportAddress, reference),
    ...signOff(),
  ];
  return render(subject, blocks);
}

// ---------------------------------------------------------------------------------------------
// 11. Reminders stopped
// ---------------------------------------------------------------------------------------------

export interface RemindersStoppedEmailInput extends ApplicationEmailBase {
  /** Ends "To turn reminders back on, …"; defaults to replying with "START REMINDERS" in the subject. */
  startInstruction?: string;
  /** The deadline the applicant will no longer be reminded of, worth stating once more. */
  cycle?: CycleDeadline;
}

export function remindersStoppedEmail(input: RemindersStoppedEmailInput): EmailContent {
  const organisation = clipLine(input.organisationName, CAP.organisation);
  const reference = clipLine(input.reference, CAP.reference);
  const subject = subjectFor('Reminders turned off', input.organisationName, input.reference);
  const blocks: Block[] = [
    h1('We have turned off your reminders'),
    greeting(input.requesterName),
    p('As you asked, we will not send you any more reminder emails about your application for ', value(organisation), '.'),
    p('Your application is still open. We will still email you about important changes to it, such as when we review it and our decision.'),
    ...(input.cycle === undefined ? [] : [p(strong(`Your submission deadline is ${endOf(input.cycle.submissionDeadline)}.`))]),

    h2('Turn reminders back on'),
    p(`To turn reminders back on, ${instruction(input.startInstruction ?? DEFAULT_START_INSTRUCTION)}.`),
    ...getHelp(input.supportAddress, reference),
    ...signOff(),
  ];
  return render(subject, blocks);
}


// ---------------------------------------------------------------------------------------------
// 12. Submission deadline moved
// ---------------------------------------------------------------------------------------------

export interface DeadlineMovedEmailInput extends ApplicationEmailBase {
  cycle: { name: string };
  /** The deadline's UK date as the calendar had it before staff moved it. */
  previousDeadline: UkDate;
  /** The instant submissions now close: the end of the new deadline's UK day. */
  submissionDeadline: Date;
  folderUrl?: string;
}

export function deadlineMovedEmail(input: DeadlineMovedEmailInput): EmailContent {
  const organisation = clipLine(input.organisationName, CAP.organisation);
  const reference = clipLine(input.reference, CAP.reference);
  const subject = subjectFor('Your submission deadline has changed', input.organisationName, input.reference);
  const blocks: Block[] = [
    h1('Your submission deadline has changed'),
    greeting(input.requesterName),
    p('We have changed the submission deadline for our ', value(clipLine(input.cycle.name, CAP.cycleName)), ' review, which your application for ', value(organisation), ' is in.'),
    p(strong(`The deadline has moved from ${longDate(input.previousDeadline)} to ${longDate(input.submissionDeadline)}.`)),
    p(strong(`The new deadline is ${endOf(input.submissionDeadline)}.`), ' You can keep adding evidence to your folder until then.'),
    p(`${CURRENT_EVIDENCE_RULE} For the new deadline that is on or after ${longDate(currentFromDate(input.submissionDeadline))}.`),
    ...(input.folderUrl === undefined || input.folderUrl === '' ? [] : [folderLink(input.folderUrl)]),
    ...getHelp(input.supportAddress, reference),
    ...signOff(),
  ];
  return render(subject, blocks);
}

// ---------------------------------------------------------------------------------------------
// 13. Decision window moved later
// ---------------------------------------------------------------------------------------------

export interface DecisionWindowMovedEmailInput extends ApplicationEmailBase {
  cycle: { name: string };
  /** The decision window as the calendar had it, which the applicant was told. */
  previous: { decisionsOpen: UkDate; decisionsClose: UkDate };
  /** The decision window as the calendar has it now. */
  current: { decisionsOpen: UkDate; decisionsClose: UkDate };
}

export function decisionWindowMovedEmail(input: DecisionWindowMovedEmailInput): EmailContent {
  const organisation = clipLine(input.organisationName, CAP.organisation);
  const reference = clipLine(input.reference, CAP.reference);
  const subject = subjectFor('Our decision will come later than planned', input.organisationName, input.reference);
  const blocks: Block[] = [
    h1('Our decision will come later than planned'),
    greeting(input.requesterName),
    p('We have changed the dates for decisions in our ', value(clipLine(input.cycle.name, CAP.cycleName)), ' review, which your application for ', value(organisation), ' is in.'),
    p(`We told you we would send our decision between ${longDate(input.previous.decisionsOpen)} and ${longDate(input.previous.decisionsClose)}.`),
    p(strong(`We will now send you our decision between ${longDate(input.current.decisionsOpen)} and ${longDate(input.current.decisionsClose)}.`)),
    p('You do not need to do anything.'),
    ...getHelp(input.supportAddress, reference),
    ...signOff(),
  ];
  return render(subject, blocks);
}
