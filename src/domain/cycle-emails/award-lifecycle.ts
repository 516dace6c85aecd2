/**
 * Emails about an award after it was made: expiring soon, expired, and the answer to a new
 * request from an organisation whose award is still current.
 */
import { renewalOpensOn, type AwardLevel } from '../award.js';
import { email, greeting, h1, h2, p, render, signOff, STANDARD_NAME, strong, value, type Block, type EmailContent } from '../email-document.js';
import { describeDaysLeft } from '../reminder-schedule.js';
import { clipLine } from '../text-escaping.js';
import { addUkDays, type UkDate } from '../uk-dates.js';
import {
  CAP,
  endOf,
  getHelp,
  longDate,
  newRequestSteps,
  nextDeadline,
  pausedBlocks,
  subjectFor,
  wholeDays,
  type ApplicationEmailBase,
  type CycleDeadline,
  type NewRequestDetails,
  type ReviewsPausedWording,
} from './wording.js';

// ---------------------------------------------------------------------------------------------
// Award expiring
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
// Award expired
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
// Award still current (reply to a new request)
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
