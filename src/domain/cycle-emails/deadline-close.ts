/**
 * Emails sent when a cycle's submission deadline passes: the application entered review, or it
 * was not ready and moved to the next cycle (or waits while reviews are paused).
 */
import { reviewsPausedText } from '../applicant-emails.js';
import { greeting, h1, h2, p, paragraphsOf, render, signOff, strong, ul, value, type Block, type EmailContent } from '../email-document.js';
import { currentFromDate, type EvidenceReadiness } from '../evidence-readiness.js';
import { clipLine } from '../text-escaping.js';
import type { UkDate } from '../uk-dates.js';
import { gapItems, readinessSummary, READY_RULE } from './readiness.js';
import { CAP, endOf, folderLink, getHelp, instruction, longDate, subjectFor, type ApplicationEmailBase, type CycleDeadline } from './wording.js';

// ---------------------------------------------------------------------------------------------
// Rolled over to the next cycle
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
// Entered review
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
