import { awardExpiredEmail } from '../../domain/cycle-emails/award-lifecycle.js';
import type { AwardLevel } from '../../domain/award.js';
import { deadlineInstant, nextSubmissionCycle } from '../../domain/review-calendar.js';
import { ukDateOf } from '../../domain/uk-dates.js';
import { asError, logger } from '../../logging.js';
import { sendToApplicant } from './applicant-mail.js';
import type { JobAction, JobOptions, ReviewDependencies } from './review-dependencies.js';

/**
 * Awards end two years after the decision: the day after the last current day the application
 * is marked Expired, the organisation is told, and its claim is released so it may apply again.
 * Withdrawn applications (staff set the status) release the claim too.
 */
export async function updateAwardLifecycle(deps: ReviewDependencies, options: JobOptions): Promise<JobAction[]> {
  const today = ukDateOf(options.now);
  const next = nextSubmissionCycle((await deps.calendar()).cycles, options.now);
  const actions: JobAction[] = [];
  for (const application of await deps.applications.withStatus('decided', 'withdrawn')) {
    if (application.status === 'withdrawn') {
      if (!options.dryRun) await deps.claims.conclude(application.organisationKey, application.reference, 'withdrawn');
      continue;
    }
    const level: AwardLevel | undefined = application.award === 'not-awarded' ? undefined : application.award;
    if (!application.awardExpiresOn || !level) continue;
    const expiresOn = ukDateOf(new Date(application.awardExpiresOn));
    if (today <= expiresOn) continue;
    const action: JobAction = { job: 'awards', reference: application.reference, organisation: application.organisationName, to: application.requesterAddress, action: `${level} award expired on ${expiresOn}` };
    actions.push(action);
    if (options.dryRun) continue;
    try {
      await sendToApplicant(
        deps,
        application,
        `award-expired:${application.reference}`,
        awardExpiredEmail({
          ...(application.requesterName ? { requesterName: application.requesterName } : {}),
          organisationName: application.organisationName,
          reference: application.reference,
          award: level,
          expiredOn: expiresOn,
          inboxAddress: deps.settings.inboxAddress,
          ...(application.odsCode ? { odsCode: application.odsCode } : {}),
          ...(next ? { nextCycle: { name: next.name, submissionDeadline: deadlineInstant(next) } } : {}),
          paused: { reviewsPaused: next === undefined, ...(deps.settings.reviewsPausedMessage ? { reviewsPausedMessage: deps.settings.reviewsPausedMessage } : {}) },
          supportAddress: deps.settings.inboxAddress,
        }),
      );
      // The claim first: once the row says Expired this job no longer reads it (see send-decisions.ts).
      await deps.claims.conclude(application.organisationKey, application.reference, 'expired', { level, expiresOn });
      await deps.applications.setStatus(application, 'expired');
    } catch (error) {
      action.action += ` — failed, will retry on the next run: ${asError(error).message}`;
      logger().warn({ err: error, reference: application.reference }, 'an expired award could not be recorded');
    }
  }
  return actions;
}
