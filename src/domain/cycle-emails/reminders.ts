/**
 * Emails about reminders: the deadline reminder (with the evidence readiness) and the answer to
 * STOP REMINDERS.
 */
import type { AwardLevel } from '../award.js';
import { greeting, h1, h2, link, p, render, signOff, STANDARD_NAME, strong, value, type Block, type EmailContent } from '../email-document.js';
import type { EvidenceReadiness } from '../evidence-readiness.js';
import { describeDaysLeft } from '../reminder-schedule.js';
import { clipLine } from '../text-escaping.js';
import type { UkDate } from '../uk-dates.js';
import { defaultAimLevel, missingFor, readinessSummary } from './readiness.js';
import {
  CAP,
  endOf,
  folderLink,
  getHelp,
  instruction,
  longDate,
  subjectFor,
  wholeDays,
  type ApplicationEmailBase,
  type CycleDeadline,
} from './wording.js';

const DEFAULT_START_INSTRUCTION = 'reply to this email with "START REMINDERS" in the subject';

// ---------------------------------------------------------------------------------------------
// Deadline reminder
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
              ? 'From the deadline, your folder will be read-only: you will be able to open it, but not change it. If your application is no longer ready at the deadline, it will move to the next review cycle we publish instead.'
              : 'From the deadline, your folder will be read-only: you will be able to open it, but not change it. If your application is no longer ready at the deadline, it will stay open and wait until new review dates are published, and we will email you then.',
          ),
        ]
      : [
          p(
            laterCycle
              ? 'If your application is still not ready at the deadline, we will not review it in this cycle. It will move to the next review cycle we publish, and we will email you.'
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
// Reminders stopped
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
