import { awardExpiry } from '../../domain/award.js';
import type { AwardLevel } from '../../domain/award.js';
import { lateDecisionCard } from '../../domain/cycle-cards.js';
import { decisionEmail } from '../../domain/cycle-emails/decisions.js';
import { decisionWindowStatus, deadlineInstant, findCycle, nextSubmissionCycle } from '../../domain/review-calendar.js';
import { ukDateOf } from '../../domain/uk-dates.js';
import type { ApplicationItem } from '../../graph/applications-list.js';
import { asError, logger } from '../../logging.js';
import { sendToApplicant } from './applicant-mail.js';
import type { JobAction, JobOptions, ReviewDependencies } from './review-dependencies.js';
import { statusFilter } from './review-dependencies.js';

type Outcome = AwardLevel | 'not-awarded';

function outcomeOf(item: ApplicationItem): Outcome | undefined {
  switch (item.fields.Award) {
    case 'Gold':
      return 'gold';
    case 'Silver':
      return 'silver';
    case 'Bronze':
      return 'bronze';
    case 'Not awarded':
      return 'not-awarded';
    default:
      return undefined;
  }
}

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
  for (const item of await deps.applications.query(statusFilter('In review', 'Information requested'))) {
    const { fields } = item;
    const outcome = outcomeOf(item);
    if (!fields.DecisionReady || !outcome || fields.DecisionSentOn) continue;
    const cycle = fields.TargetCycle ? findCycle(cycles, fields.TargetCycle) : undefined;
    const action: JobAction = { job: 'decisions', reference: fields.Reference, organisation: fields.Title, to: fields.RequesterEmail, action: '' };
    actions.push(action);
    if (!cycle) {
      action.action = `cannot send: the target cycle '${fields.TargetCycle ?? ''}' is not in the calendar`;
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
      const intent = `decision:${fields.Reference}`;
      const decidedAt = (await deps.outgoing.handedOverAsOf(intent)) ?? now;
      const awardedOn = ukDateOf(decidedAt);
      const expiresOn = outcome === 'not-awarded' ? undefined : awardExpiry(decidedAt);
      const claim = await deps.claims.get(fields.OrganisationKey);
      const folderId = claim?.progress.reference === fields.Reference ? claim.progress.folderId : undefined;
      let certificateUrl: string | undefined;
      if (outcome !== 'not-awarded' && expiresOn && folderId) {
        // pdf-lib is large and only needed here: loaded on the first decision, not at start-up.
        const { buildAwardCertificate } = await import('../../documents/award-certificate.js');
        const certificate = await buildAwardCertificate({ organisationName: fields.Title, level: outcome, reference: fields.Reference, awardedOn, expiresOn, ...(deps.settings.awardingBody ? { issuer: deps.settings.awardingBody } : {}) });
        certificateUrl = (await deps.folders.upload(folderId, `Award certificate - ${levelName(outcome)} - ${fields.Reference}.pdf`, certificate, 'application/pdf')).webUrl;
      }
      const next = nextSubmissionCycle(cycles, now);
      await sendToApplicant(
        deps,
        item,
        intent,
        decisionEmail({
          ...(fields.RequesterName ? { requesterName: fields.RequesterName } : {}),
          organisationName: fields.Title,
          reference: fields.Reference,
          inboxAddress: deps.settings.inboxAddress,
          ...(fields.OdsCode ? { odsCode: fields.OdsCode } : {}),
          award: outcome,
          ...(fields.DecisionNotes ? { notes: fields.DecisionNotes } : {}),
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
      await deps.applications.update(item.id, { Status: 'Decided', DecisionSentOn: decidedAt.toISOString(), ...(expiresOn ? { AwardExpiresOn: `${expiresOn}T12:00:00Z` } : {}) });
      await deps.claims.conclude(fields.OrganisationKey, fields.Reference, outcome === 'not-awarded' ? 'not-awarded' : 'awarded', outcome === 'not-awarded' || !expiresOn ? undefined : { level: outcome, expiresOn });
      if (window === 'after') {
        await deps.intents.once(`decision-late:${fields.Reference}`, () => deps.staff.post(lateDecisionCard({ organisationName: fields.Title, reference: fields.Reference, decisionsClose: cycle.decisionsClose, sentOn: now })));
      }
    } catch (error) {
      action.action += ` — failed, will retry on the next run: ${asError(error).message}`;
      logger().warn({ err: error, reference: fields.Reference }, 'a decision could not be sent');
    }
  }
  return actions;
}
