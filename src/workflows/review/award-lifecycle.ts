import { awardExpiredEmail } from '../../domain/cycle-emails/award-lifecycle.js';
import type { AwardLevel } from '../../domain/award.js';
import { deadlineInstant, nextSubmissionCycle } from '../../domain/review-calendar.js';
import { ukDateOf } from '../../domain/uk-dates.js';
import { asError, logger } from '../../logging.js';
import { sendToApplicant } from './applicant-mail.js';
import type { JobAction, JobOptions, ReviewDependencies } from './review-dependencies.js';
import { statusFilter } from './review-dependencies.js';

/**
 * Awards end two years after the decision: the day after the last current day the application
 * is marked Expired, the organisation is told, and its claim is released so it may apply again.
 * Withdrawn applications (staff set the status) release the claim too.
 */
export async function updateAwardLifecycle(deps: ReviewDependencies, options: JobOptions): Promise<JobAction[]> {
  const today = ukDateOf(options.now);
  const next = nextSubmissionCycle((await deps.calendar()).cycles, options.now);
  const actions: JobAction[] = [];
  for (const item of await deps.applications.query(statusFilter('Decided', 'Withdrawn'))) {
    const { fields } = item;
    if (fields.Status === 'Withdrawn') {
      if (!options.dryRun) await deps.claims.conclude(fields.OrganisationKey, fields.Reference, 'withdrawn');
      continue;
    }
    const level = fields.Award?.toLowerCase() as AwardLevel | 'not awarded' | undefined;
    if (!fields.AwardExpiresOn || !level || level === 'not awarded') continue;
    const expiresOn = ukDateOf(new Date(fields.AwardExpiresOn));
    if (today <= expiresOn) continue;
    const action: JobAction = { job: 'awards', reference: fields.Reference, organisation: fields.Title, to: fields.RequesterEmail, action: `${level} award expired on ${expiresOn}` };
    actions.push(action);
    if (options.dryRun) continue;
    try {
      await sendToApplicant(
        deps,
        item,
        `award-expired:${fields.Reference}`,
        awardExpiredEmail({
          ...(fields.RequesterName ? { requesterName: fields.RequesterName } : {}),
          organisationName: fields.Title,
          reference: fields.Reference,
          award: level,
          expiredOn: expiresOn,
          inboxAddress: deps.settings.inboxAddress,
          ...(fields.OdsCode ? { odsCode: fields.OdsCode } : {}),
          ...(next ? { nextCycle: { name: next.name, submissionDeadline: deadlineInstant(next) } } : {}),
          paused: { reviewsPaused: next === undefined, ...(deps.settings.reviewsPausedMessage ? { reviewsPausedMessage: deps.settings.reviewsPausedMessage } : {}) },
          supportAddress: deps.settings.inboxAddress,
        }),
      );
      await deps.applications.update(item.id, { Status: 'Expired' });
      await deps.claims.conclude(fields.OrganisationKey, fields.Reference, 'expired', { level, expiresOn });
    } catch (error) {
      action.action += ` — failed, will retry on the next run: ${asError(error).message}`;
      logger().warn({ err: error, reference: fields.Reference }, 'an expired award could not be recorded');
    }
  }
  return actions;
}
