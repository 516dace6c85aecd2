import { awardExpiry } from '../../domain/award.js';
import type { AwardLevel } from '../../domain/award.js';
import { lateDecisionCard } from '../../domain/cycle-cards.js';
import { decisionEmail } from '../../domain/cycle-emails/decisions.js';
import { decisionWindowStatus, deadlineInstant, findCycle, nextSubmissionCycle } from '../../domain/review-calendar.js';
import { ukDateOf } from '../../domain/uk-dates.js';
import { asError, logger } from '../../logging.js';
import { sendToApplicant } from './applicant-mail.js';
import type { JobAction, JobOptions, ReviewDependencies } from './review-dependencies.js';

const levelName = (level: AwardLevel): string => level.charAt(0).toUpperCase() + level.slice(1);

/**
 * Decisions staff have marked ready (Award chosen, "Decision ready" ticked) are sent inside the
 * cycle's decision window: never before it opens; a late one at once, and staff are told. The
 * email goes exactly once (its intent), however often staff edit the row afterwards; the row then
 * records when it went and when the award expires, and awards get a certificate in the folder.
 */
export async function sendDecisions(deps: ReviewDependencies, options: JobOptions): Promise<JobAction[]> {
  const { now } = options;
  const { cycles } = await deps.calendar();
  const actions: JobAction[] = [];
  for (const application of await deps.applications.withStatus('in review', 'information requested')) {
    const outcome = application.award;
    if (!application.decisionReady || !outcome || application.decisionSentOn) continue;
    const cycle = application.targetCycleId ? findCycle(cycles, application.targetCycleId) : undefined;
    const action: JobAction = { job: 'decisions', reference: application.reference, organisation: application.organisationName, to: application.requesterAddress, action: '' };
    actions.push(action);
    if (!cycle) {
      action.action = `cannot send: the target cycle '${application.targetCycleId ?? ''}' is not in the calendar`;
      continue;
    }
    const window = decisionWindowStatus(cycle, now);
    if (window === 'before') {
      action.action = `${outcome} decision ready; waits for the decision window (${cycle.decisionsOpen})`;
      continue;
    }
    action.action = `${outcome} decision sent${window === 'after' ? ' late (after the decision window); staff told' : ''}`;
    if (options.dryRun) continue;
    try {
      const intent = `decision:${application.reference}`;
      const decidedAt = (await deps.outgoing.handedOverAsOf(intent)) ?? now;
      const awardedOn = ukDateOf(decidedAt);
      const expiresOn = outcome === 'not-awarded' ? undefined : awardExpiry(decidedAt);
      const claim = await deps.claims.get(application.organisationKey);
      const folderId = claim?.progress.reference === application.reference ? claim.progress.folderId : undefined;
      let certificateUrl: string | undefined;
      if (outcome !== 'not-awarded' && expiresOn && folderId) {
        // pdf-lib is large and only needed here: loaded on the first decision, not at start-up.
        const { buildAwardCertificate } = await import('../../documents/award-certificate.js');
        const certificate = await buildAwardCertificate({ organisationName: application.organisationName, level: outcome, reference: application.reference, awardedOn, expiresOn, ...(deps.settings.awardingBody ? { issuer: deps.settings.awardingBody } : {}) });
        certificateUrl = (await deps.folders.upload(folderId, `Award certificate - ${levelName(outcome)} - ${application.reference}.pdf`, certificate, 'application/pdf')).webUrl;
      }
      const next = nextSubmissionCycle(cycles, now);
      await sendToApplicant(
        deps,
        application,
        intent,
        decisionEmail({
          ...(application.requesterName ? { requesterName: application.requesterName } : {}),
          organisationName: application.organisationName,
          reference: application.reference,
          inboxAddress: deps.settings.inboxAddress,
          ...(application.odsCode ? { odsCode: application.odsCode } : {}),
          award: outcome,
          ...(application.decisionNotes ? { notes: application.decisionNotes } : {}),
          awardedOn,
          ...(expiresOn ? { expiresOn } : {}),
          ...(certificateUrl ? { certificateUrl } : {}),
          ...(deps.settings.awardingBody ? { awardingBody: deps.settings.awardingBody } : {}),
          ...(deps.settings.digitalLogoUrl ? { digitalLogoUrl: deps.settings.digitalLogoUrl } : {}),
          ...(next ? { nextCycle: { name: next.name, submissionDeadline: deadlineInstant(next) } } : {}),
          paused: { reviewsPaused: next === undefined, ...(deps.settings.reviewsPausedMessage ? { reviewsPausedMessage: deps.settings.reviewsPausedMessage } : {}) },
          supportAddress: deps.settings.inboxAddress,
        }),
        decidedAt,
      );
      // The claim first: once the row says Decided this job no longer reads it, so a crash between
      // the two writes must leave the row for the next run, never the claim open for good.
      await deps.claims.conclude(application.organisationKey, application.reference, outcome === 'not-awarded' ? 'not-awarded' : 'awarded', outcome === 'not-awarded' || !expiresOn ? undefined : { level: outcome, expiresOn });
      await deps.applications.recordDecision(application, { sentAt: decidedAt, ...(expiresOn ? { awardExpiresOn: expiresOn } : {}) });
      if (window === 'after') {
        await deps.intents.once(`decision-late:${application.reference}`, () => deps.staff.post(lateDecisionCard({ organisationName: application.organisationName, reference: application.reference, decisionsClose: cycle.decisionsClose, sentOn: now })));
      }
    } catch (error) {
      action.action += ` — failed, will retry on the next run: ${asError(error).message}`;
      logger().warn({ err: error, reference: application.reference }, 'a decision could not be sent');
    }
  }
  return actions;
}
