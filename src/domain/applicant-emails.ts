/**
 * The emails weqs sends to people who ask to apply.
 *
 * Readers are busy NHS administrators, so the wording follows GOV.UK and NHS style: short
 * sentences, "you", the action first, dates written out. Each email is written once as a small
 * document model and rendered twice, as accessible HTML and as plain text, so the two parts can
 * never say different things.
 *
 * Every value that arrived in an email (names, organisation names, subjects) is cleaned to one
 * line, capped and HTML-escaped; no email ever mentions another organisation's requester, folder
 * or reference.
 */
import { CURRENT_EVIDENCE_RULE } from './evidence-readiness.js';
import { AWARD_DOCUMENT_THRESHOLDS } from './award.js';
import { MAX_ORGANISATION_NAME_LENGTH } from './request-subject.js';
import {
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
  strong,
  ul,
  value,
  type Block,
  type EmailContent,
  type ListItem,
} from './email-document.js';
import { formatUkDate, type UkDate } from './uk-dates.js';
import { clipLine, singleLine } from './text-escaping.js';
import { echoSafe } from './untrusted-echo.js';

export { greetingName } from './email-document.js';
export type { EmailContent } from './email-document.js';

/** Shown in place of review dates when no cycle is published; staff can override it in settings. */
export const reviewsPausedText = 'Reviews of applications are paused at the moment. We will email you when new review dates are published.';

/** Where people look up an ODS code (the service formerly called the ODS portal). */
export const ODS_SEARCH_URL = 'https://www.odsdatasearchandexport.nhs.uk/';

const EXAMPLE_ORGANISATION = 'Northshire Hospitals NHS Foundation Trust';
// The same example practice the subject parser documents, so the advice and the parser agree.
const EXAMPLE_PRACTICE = 'The Surgery';
const EXAMPLE_ODS_CODE = 'B82005';
const EXAMPLE_POSTCODE = 'LS1 4AP';

// Caps, in code points, for values from emails. Organisation names are capped shorter in
// subjects so that a subject stays within the 255 characters mail clients display in full.
const CAP = {
  organisationInSubject: 150,
  organisation: MAX_ORGANISATION_NAME_LENGTH,
  receivedSubject: 300,
  reference: 60,
  fileName: 200,
  folderName: 120,
  odsCode: 20,
  postcode: 12,
  kind: 60,
  cycleName: 80,
} as const;

/** Organisations listed when asking which one is meant; the rest are counted. */
export const MAX_LISTED_CANDIDATES = 8;

// ---------------------------------------------------------------------------------------------
// Shared wording
// ---------------------------------------------------------------------------------------------

function organisationForSubject(name: string): string {
  return echoSafe(name, CAP.organisationInSubject);
}

const NUMBER_WORDS = ['no', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve'];

function countWord(count: number): string {
  return NUMBER_WORDS[count] ?? String(count);
}

// ---------------------------------------------------------------------------------------------
// 1. Application opened
// ---------------------------------------------------------------------------------------------

export interface ApplicationOpenedEmailInput {
  requesterName?: string;
  organisationName: string;
  odsCode?: string;
  reference: string;
  folderUrl: string;
  formUrl: string;
  formFileName: string;
  /** The framework sections in order, as in the criteria catalogue. */
  sections: readonly { title: string; folderName: string }[];
  nextCycle?: {
    name: string;
    /** The instant submissions close: the end of a UK day. */
    submissionDeadline: Date;
    decisionsOpen: UkDate;
    decisionsClose: UkDate;
  };
  /** Shown when no cycle is published; defaults to `reviewsPausedText`. */
  reviewsPausedMessage?: string;
  supportAddress: string;
  /** The folder is not shared with the applicant yet: they are told access follows, by email. */
  folderAccessPending?: boolean;
}

export function applicationOpenedEmail(input: ApplicationOpenedEmailInput): EmailContent {
  const organisation = echoSafe(input.organisationName, CAP.organisation);
  const reference = clipLine(input.reference, CAP.reference);
  const odsCode = input.odsCode === undefined ? '' : clipLine(input.odsCode, CAP.odsCode);
  const subject = `${REQUEST_SUBJECT_PREFIX}${organisationForSubject(input.organisationName)} (${reference})`;
  const { bronze, silver, gold } = AWARD_DOCUMENT_THRESHOLDS;

  const sectionItems = input.sections.map((section) => {
    const folder = clipLine(section.folderName, CAP.folderName);
    const title = singleLine(section.title);
    return folder.toLowerCase().includes(title.toLowerCase()) ? item(folder) : item(`${folder} (${title})`);
  });

  const blocks: Block[] = [
    h1('Your application has been set up'),
    greeting(input.requesterName),
    p(
      `Thank you for asking to apply for the ${STANDARD_NAME} for `,
      value(organisation),
      ...(odsCode === '' ? [] : [' (ODS code ', value(odsCode), ')']),
      '. We have set up your application.',
    ),
    p(strong('Your application reference is ', value(reference), '.'), ' Please quote it whenever you contact us.'),
    p('The award is free of charge.'),

    h2('What we have set up'),
    p('We have made a private SharePoint folder for your application. Only you and the national work experience team can see it.'),
    ...(input.folderAccessPending === true
      ? [
          p(strong('You cannot open the folder yet.'), ' We are giving you access to it, and we will email you as soon as you can open it. The links below will work from then.'),
          p('When you open it, sign in with the email address you wrote to us from.'),
        ]
      : [p('To open it, sign in with the work account for the email address you wrote to us from.')]),
    link('Open your evidence folder', input.folderUrl),
    p(
      'The folder contains your personalised application form, ',
      value(clipLine(input.formFileName, CAP.fileName)),
      input.sections.length === 0
        ? '.'
        : `, and ${countWord(input.sections.length)} section ${input.sections.length === 1 ? 'folder' : 'folders'} for your evidence.`,
    ),
    link('Open your application form', input.formUrl),

    h2('What you need to do'),
    ol(
      item(
        'Fill in the application form in your folder, using Microsoft Word or Word in your web browser. Keep the form in your folder and do not rename it.',
      ),
      item(
        'Complete every supporting commentary box. In each box, name the documents that show you meet that criterion, with their file names and page numbers (for example, "Induction checklist.pdf, page 3").',
      ),
      sectionItems.length === 0
        ? item('Upload your evidence into your folder.')
        : { parts: ['Upload each piece of evidence into the section folder it belongs to:'], sublist: ul(...sectionItems) },
    ),
    p('You do not need to tell us when you have finished. At the submission deadline, we review what is in your folder.'),

    h2('Evidence rules'),
    ul(
      item(CURRENT_EVIDENCE_RULE),
      item(
        'Upload completed, anonymised documents, not blank templates. They should show that your templates are used by a range of host departments and completed by learners.',
      ),
      {
        parts: ['Across your whole application, you need at least:'],
        sublist: ul(
          item(`${bronze} completed documents for a bronze award`),
          item(`${silver} completed documents for a silver award`),
          item(`${gold} completed documents for a gold award`),
        ),
      },
      item(
        'We only accept evidence about face-to-face work experience. We do not accept evidence about pre-employment programmes or online work-related learning.',
      ),
    ),

    h2('Key dates'),
    ...keyDates(input),

    h2('Get help'),
    p('If you have a question, email ', email(input.supportAddress), '. Please include your reference, ', value(reference), '.'),
    ...signOff(),
  ];
  return render(subject, blocks);
}

function keyDates(input: ApplicationOpenedEmailInput): Block[] {
  const cycle = input.nextCycle;
  if (cycle === undefined) {
    const message = input.reviewsPausedMessage === undefined ? [] : paragraphsOf(input.reviewsPausedMessage);
    return [...(message.length > 0 ? message : [p(reviewsPausedText)]), p('You can start gathering your evidence and filling in your form now.')];
  }
  return [
    p(
      strong(`The next submission deadline is the end of ${formatUkDate(cycle.submissionDeadline, 'long')} (UK time).`),
      ' This is for our ',
      value(clipLine(cycle.name, CAP.cycleName)),
      ' review.',
    ),
    p('We will email you reminders before the deadline. If your application is not ready by then, it will move to the next review cycle we publish.'),
    p('After the deadline, we review applications. We may email you during the review to ask for more information or evidence.'),
    p(
      `We will send you our decision between ${formatUkDate(cycle.decisionsOpen, 'long')} and ${formatUkDate(cycle.decisionsClose, 'long')}.`,
    ),
  ];
}

// ---------------------------------------------------------------------------------------------
// 2. Already applied
// ---------------------------------------------------------------------------------------------

export interface AlreadyAppliedEmailInput {
  requesterName?: string;
  organisationName: string;
  /** True when the person asking is the one who made the existing application. */
  sameRequester: boolean;
  /** Only read when `sameRequester`. */
  reference?: string;
  /** Only read when `sameRequester`. */
  folderUrl?: string;
  supportAddress: string;
}

export function alreadyAppliedEmail(input: AlreadyAppliedEmailInput): EmailContent {
  const organisation = echoSafe(input.organisationName, CAP.organisation);
  // Reading these only for the same requester means a caller's mistake cannot leak another
  // person's application to someone else.
  const reference = input.sameRequester && input.reference !== undefined ? clipLine(input.reference, CAP.reference) : '';
  const folderUrl = input.sameRequester ? input.folderUrl : undefined;
  const subject =
    `Your organisation has already applied – ${STANDARD_NAME} – ${organisationForSubject(input.organisationName)}` +
    (reference === '' ? '' : ` (${reference})`);

  const blocks: Block[] = [
    h1('Your organisation has already applied'),
    greeting(input.requesterName),
    p(`Thank you for your email asking to apply for the ${STANDARD_NAME} for `, value(organisation), '.'),
    p('We accept only one application from each organisation, and ', value(organisation), ' already has one. We have not set up a new application.'),
  ];

  if (input.sameRequester) {
    blocks.push(p('Our records show that you made this application, so you can carry on with it.'));
    if (reference !== '') blocks.push(p(strong('Your application reference is ', value(reference), '.'), ' Please quote it whenever you contact us.'));
    if (folderUrl !== undefined) {
      blocks.push(
        link('Open your evidence folder', folderUrl),
        p('To open it, sign in with the work account for the email address you applied from.'),
      );
    }
    blocks.push(
      h2('Get help'),
      p(
        'If you cannot find your application form or open your folder, email ',
        email(input.supportAddress),
        reference === '' ? '.' : '. Please include your reference.',
      ),
    );
  } else {
    blocks.push(
      p('The application was made by someone else for your organisation. We cannot share its details with you.'),
      h2('What you can do'),
      ul(
        item('Speak to colleagues who may have applied, such as your work experience, education or workforce team.'),
        item('We have told our team about your email. We will be in touch if we need anything from you.'),
        item(
          'If you think this is wrong (for example, if you work for a different organisation with a similar name), email ',
          email(input.supportAddress),
          '.',
        ),
      ),
    );
  }
  blocks.push(...signOff());
  return render(subject, blocks);
}

// ---------------------------------------------------------------------------------------------
// 3. Subject format help
// ---------------------------------------------------------------------------------------------

export type SubjectProblem = 'missing-name' | 'placeholder-name' | 'unusable-name';

export interface SubjectFormatHelpEmailInput {
  requesterName?: string;
  receivedSubject: string;
  reason: SubjectProblem;
  inboxAddress: string;
  supportAddress: string;
}

const SUBJECT_PROBLEMS: Readonly<Record<SubjectProblem, string>> = {
  'missing-name': 'the subject of your email did not include the name of your organisation.',
  'placeholder-name':
    'the subject of your email still had the words from our instructions, such as "[health organisation name]", instead of the name of your organisation.',
  'unusable-name': `we could not read an organisation name in the subject of your email. The name must include letters and be no longer than ${MAX_ORGANISATION_NAME_LENGTH} characters.`,
};

export function subjectFormatHelpEmail(input: SubjectFormatHelpEmailInput): EmailContent {
  const subject = `Send your request again with your organisation's name – ${STANDARD_NAME}`;
  const received = echoSafe(input.receivedSubject, CAP.receivedSubject);
  const blocks: Block[] = [
    h1('Please send your request again'),
    greeting(input.requesterName),
    p(`Thank you for your email about the ${STANDARD_NAME}. We could not set up an application, because ${SUBJECT_PROBLEMS[input.reason]}`),
    ...(received === '' ? [p('Your email had no subject.')] : [p('The subject of your email was:'), example(value(received))]),

    h2('What to do'),
    ol(
      item('Write a new email (do not reply to this one) to ', email(input.inboxAddress), '.'),
      item(`Make the subject "${STANDARD_NAME}", then a dash, then the full name of your organisation. For example:`),
    ),
    example(`${REQUEST_SUBJECT_PREFIX}${EXAMPLE_ORGANISATION}`),
    p('Write the name itself, without square brackets. If you know your organisation’s ODS code, you can add it in brackets after the name.'),

    h2('Get help'),
    p('If you have a question, email ', email(input.supportAddress), '.'),
    ...signOff(),
  ];
  return render(subject, blocks);
}

// ---------------------------------------------------------------------------------------------
// 4. Identify the organisation
// ---------------------------------------------------------------------------------------------

export interface OrganisationCandidate {
  name: string;
  odsCode: string;
  postcode?: string;
  /** The directory's kind (`trust`, `gp-practice`, …) or a description. */
  kind: string;
}

export interface IdentifyOrganisationEmailInput {
  requesterName?: string;
  requestedName: string;
  /** Public ODS data about the organisations it could be; may be empty. */
  candidates: readonly OrganisationCandidate[];
  inboxAddress: string;
  supportAddress: string;
}

// A Map, not an object: `kind` is arbitrary text, and "toString" must not find Object.prototype's.
const KIND_LABELS: ReadonlyMap<string, string> = new Map([
  ['trust', 'NHS trust'],
  ['icb', 'integrated care board'],
  ['gp-practice', 'GP practice'],
  ['dental-practice', 'dental practice'],
]);

function candidateItem(candidate: OrganisationCandidate): ListItem {
  const kind = clipLine(KIND_LABELS.get(candidate.kind) ?? candidate.kind, CAP.kind);
  const postcode = candidate.postcode === undefined ? '' : clipLine(candidate.postcode, CAP.postcode);
  return item(
    value(clipLine(candidate.name, CAP.organisation)),
    ...(kind === '' ? [] : [` (${kind})`]),
    ': ODS code ',
    value(clipLine(candidate.odsCode, CAP.odsCode)),
    ...(postcode === '' ? [] : [', postcode ', value(postcode)]),
  );
}

export function identifyOrganisationEmail(input: IdentifyOrganisationEmailInput): EmailContent {
  const requested = echoSafe(input.requestedName, CAP.organisation);
  const subject = `Send your request again with your ODS code – ${STANDARD_NAME} – ${organisationForSubject(input.requestedName)}`;
  const shown = input.candidates.slice(0, MAX_LISTED_CANDIDATES);
  const hidden = input.candidates.length - shown.length;

  const blocks: Block[] = [
    h1('Tell us which organisation you are applying for'),
    greeting(input.requesterName),
    p(`Thank you for asking to apply for the ${STANDARD_NAME} for "`, value(requested), '".'),
  ];
  if (shown.length > 0) {
    blocks.push(
      p('More than one organisation has this name or a name like it. We need to know which one is yours before we set up your application.'),
      h2('Organisations it could be'),
      ul(...shown.map(candidateItem)),
    );
    if (hidden > 0) blocks.push(p(`There ${hidden === 1 ? 'is 1 more organisation' : `are ${hidden} more organisations`} with a similar name.`));
  } else {
    blocks.push(p('We could not be sure which organisation this is from the name alone. We need to know before we set up your application.'));
  }
  blocks.push(
    h2('What to do'),
    ol(
      item('Write a new email (do not reply to this one) to ', email(input.inboxAddress), '.'),
      item(`Use a subject with your organisation’s name and its ODS code in brackets. For example, if your ODS code is ${EXAMPLE_ODS_CODE}:`),
    ),
    example(`${REQUEST_SUBJECT_PREFIX}${EXAMPLE_PRACTICE} (${EXAMPLE_ODS_CODE})`),
    p('If you do not know your ODS code, put your organisation’s postcode in brackets instead. For example:'),
    example(`${REQUEST_SUBJECT_PREFIX}${EXAMPLE_PRACTICE} (${EXAMPLE_POSTCODE})`),

    h2('Finding your ODS code'),
    p('Every NHS organisation has an ODS code made of letters and numbers. You can search for yours by name or postcode on ODS Data Search and Export (formerly the ODS portal).'),
    link('Search for your ODS code', ODS_SEARCH_URL),
    p('Or ask your IT or information governance team.'),

    h2('Get help'),
    p('If you have a question, email ', email(input.supportAddress), '.'),
    ...signOff(),
  );
  return render(subject, blocks);
}
