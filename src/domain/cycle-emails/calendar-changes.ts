/**
 * Emails sent when staff change the review calendar: review dates published after a pause, a
 * submission deadline moved, the decision window moved later.
 */
import { greeting, h1, h2, p, render, signOff, STANDARD_NAME, strong, value, type Block, type EmailContent } from '../email-document.js';
import { CURRENT_EVIDENCE_RULE, currentFromDate } from '../evidence-readiness.js';
import { clipLine } from '../text-escaping.js';
import type { UkDate } from '../uk-dates.js';
import { CAP, endOf, folderLink, getHelp, longDate, subjectFor, type ApplicationEmailBase, type CycleWithDecisions } from './wording.js';

// ---------------------------------------------------------------------------------------------
// Reviews resumed
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
    p('We will email you reminders before the deadline. If your application is not ready by then, it will move to the next review cycle we publish.'),
    p(`We will send you our decision between ${longDate(cycle.decisionsOpen)} and ${longDate(cycle.decisionsClose)}.`),
    ...(input.folderUrl === undefined ? [] : [folderLink(input.folderUrl)]),
    ...getHelp(input.supportAddress, reference),
    ...signOff(),
  ];
  return render(subject, blocks);
}

// ---------------------------------------------------------------------------------------------
// Submission deadline moved
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
// Decision window moved later
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
