/**
 * What every email of the review calendar stage shares: the inputs about an application and its
 * cycle, the caps on values from emails, folders and staff lists, and the wording used in several
 * emails (subjects, closing dates, "Get help", the steps for a new request, paused reviews).
 *
 * Same house style as the applicant emails (see `email-document.ts`): plain English for busy NHS
 * administrators, the action first, dates written out in UK time, and every value from an email,
 * a folder or a staff-edited list cleaned, capped and escaped. Subjects start with what happened
 * and then name the standard, the organisation and the reference: a reply ("RE: …") must never
 * read as a new application request, so no subject starts with the standard's name.
 */
import { reviewsPausedText } from '../applicant-emails.js';
import {
  codePointLength,
  email,
  example,
  h2,
  item,
  link,
  ol,
  p,
  paragraphsOf,
  REQUEST_SUBJECT_PREFIX,
  STANDARD_NAME,
  strong,
  value,
  type Block,
  type Inline,
} from '../email-document.js';
import { MAX_ORGANISATION_NAME_LENGTH } from '../request-subject.js';
import { clipLine } from '../text-escaping.js';
import { formatUkDate, type UkDate } from '../uk-dates.js';

/** Mail clients show subjects up to this many characters in full. */
const MAX_SUBJECT_LENGTH = 255;

// Caps, in code points, for values from emails, folders and staff lists.
export const CAP = {
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
export function subjectFor(topic: string, organisationName: string, reference: string): string {
  const ref = clipLine(reference, CAP.reference);
  const tail = ref === '' ? '' : ` (${ref})`;
  const head = `${topic} – ${STANDARD_NAME} – `;
  const room = Math.min(CAP.organisationInSubject, MAX_SUBJECT_LENGTH - codePointLength(head) - codePointLength(tail));
  return `${head}${clipLine(organisationName, Math.max(room, 20))}${tail}`;
}

export const longDate = (date: UkDate | Date) => formatUkDate(date, 'long');
export const mediumDate = (date: UkDate | Date) => formatUkDate(date, 'medium');

/** "the end of Monday 18 January 2027 (UK time)": how every closing date is written. */
export function endOf(date: UkDate | Date): string {
  return `the end of ${longDate(date)} (UK time)`;
}

/** "A", "A and B", "A, B and C", as inline parts so each value keeps its own isolation. */
export function andList(values: readonly Inline[]): Inline[] {
  return values.flatMap((entry, index) => {
    if (index === 0) return [entry];
    return [index === values.length - 1 ? ' and ' : ', ', entry];
  });
}

/** Whole days, never negative: a caller's fraction or NaN must not reach the wording. */
export function wholeDays(days: number): number {
  return Number.isFinite(days) ? Math.max(0, Math.trunc(days)) : 0;
}

/** Settings text such as `reply with "STOP REMINDERS" in the subject`, ready to end a sentence. */
export function instruction(text: string): string {
  return clipLine(text, CAP.instruction).replace(/[.\s]+$/u, '');
}

export function getHelp(supportAddress: string, reference: string): Block[] {
  const quote: Inline[] = reference === '' ? ['.'] : ['. Please include your reference, ', value(reference), '.'];
  return [h2('Get help'), p('If you have a question, email ', email(supportAddress), ...quote)];
}

export function folderLink(folderUrl: string): Block {
  return link('Open your evidence folder', folderUrl);
}

/** The steps for sending a new request, with the exact subject to use. */
export function newRequestSteps(organisation: string, details: NewRequestDetails, opensOn?: string): Block[] {
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

export function pausedBlocks(wording: ReviewsPausedWording): Block[] {
  const message = wording.reviewsPausedMessage === undefined ? [] : paragraphsOf(wording.reviewsPausedMessage);
  return message.length > 0 ? message : [p(reviewsPausedText)];
}

export function nextDeadline(cycle: CycleDeadline): Block {
  return p(
    strong(`The next submission deadline is ${endOf(cycle.submissionDeadline)}.`),
    ' This is for our ',
    value(clipLine(cycle.name, CAP.cycleName)),
    ' review.',
  );
}
