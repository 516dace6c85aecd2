/**
 * Emails during and at the end of a review: more information requested, and the decision (an
 * award, or not awarded).
 */
import { AWARD_VALIDITY_YEARS, renewalOpensOn, type AwardLevel } from '../award.js';
import {
  email,
  greeting,
  h1,
  h2,
  item,
  link,
  ol,
  p,
  render,
  signOff,
  staffNote,
  STANDARD_NAME,
  strong,
  ul,
  value,
  type Block,
  type EmailContent,
} from '../email-document.js';
import { CURRENT_EVIDENCE_RULE } from '../evidence-readiness.js';
import { clipLine } from '../text-escaping.js';
import { addUkYears, type UkDate } from '../uk-dates.js';
import {
  CAP,
  endOf,
  folderLink,
  getHelp,
  longDate,
  newRequestSteps,
  nextDeadline,
  pausedBlocks,
  subjectFor,
  type ApplicationEmailBase,
  type CycleDeadline,
  type NewRequestDetails,
  type ReviewsPausedWording,
} from './wording.js';

// ---------------------------------------------------------------------------------------------
// More information requested
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

/** Who awards the standard unless staff set WEQS_AWARDING_BODY. */
export const DEFAULT_AWARDING_BODY = 'NHS England';

// ---------------------------------------------------------------------------------------------
// Decision
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
