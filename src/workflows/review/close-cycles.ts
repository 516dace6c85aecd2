import { enteredReviewEmail, rolledOverEmail } from '../../domain/cycle-emails/deadline-close.js';
import { cycleClosedCard } from '../../domain/cycle-cards.js';
import type { EvidenceReadiness } from '../../domain/evidence-readiness.js';
import { deadlineInstant, hasDeadlinePassed, nextSubmissionCycle } from '../../domain/review-calendar.js';
import type { ReviewCycle } from '../../domain/review-calendar.js';
import type { ApplicationRecord } from '../../domain/application.js';
import { asError, logger } from '../../logging.js';
import { setApplicantAccess } from '../folder-access.js';
import { applicationEvidence } from './application-evidence.js';
import { stopRemindersInstruction } from './send-reminders.js';
import { sendToApplicant } from './applicant-mail.js';
import type { JobAction, JobOptions, ReviewDependencies } from './review-dependencies.js';

type Verdict = 'entered-review' | 'rolled-over';

interface Closed {
  application: ApplicationRecord;
  verdict: Verdict;
  readiness?: EvidenceReadiness;
  reason: string;
}

/**
 * After a submission deadline: applications whose form and evidence are ready enter review (the
 * applicant's access becomes read-only), the others move to the next cycle and are told why.
 * Staff get one card for the cycle. The verdict is recorded as the intent of the email, so a
 * rerun after a crash carries out the same verdict instead of judging again.
 */
export async function closeCycles(deps: ReviewDependencies, options: JobOptions): Promise<JobAction[]> {
  const { now } = options;
  const { cycles } = await deps.calendar();
  const next = nextSubmissionCycle(cycles, now);
  const actions: JobAction[] = [];
  for (const cycle of cycles.filter((candidate) => candidate.status === 'published' && hasDeadlinePassed(candidate, now))) {
    const applications = await deps.applications.targeting(cycle.id, ['open']);
    if (applications.length === 0) continue;
    const closed: Closed[] = [];
    for (const application of applications) {
      const result = await closeApplication(deps, cycle, next, application, options);
      actions.push(result.action);
      if (result.closed) closed.push(result.closed);
    }
    const summaryIntent = `cycle-closed:${cycle.id}:${cycle.submissionDeadline}`;
    if (closed.length > 0 && !options.dryRun) {
      await deps.intents.once(summaryIntent, async () =>
        deps.staff.post(
          cycleClosedCard({
            cycle: { name: cycle.name, submissionDeadline: deadlineInstant(cycle) },
            enteredReview: closed.filter((entry) => entry.verdict === 'entered-review').map((entry) => ({ organisationName: entry.application.organisationName, reference: entry.application.reference, supportedLevel: entry.readiness?.supportedLevel ?? 'none' })),
            rolledOver: closed.filter((entry) => entry.verdict === 'rolled-over').map((entry) => ({ organisationName: entry.application.organisationName, reference: entry.application.reference, reason: entry.reason })),
            ...(next ? { nextCycle: { name: next.name, submissionDeadline: deadlineInstant(next) } } : {}),
            listUrl: await deps.settings.listUrl(),
          }),
        ),
      );
    }
  }
  return actions;
}

async function closeApplication(deps: ReviewDependencies, cycle: ReviewCycle, next: ReviewCycle | undefined, application: ApplicationRecord, options: JobOptions): Promise<{ action: JobAction; closed?: Closed }> {
  const action: JobAction = { job: 'close-cycle', reference: application.reference, organisation: application.organisationName, to: application.requesterAddress, action: '' };
  const intentOf = (verdict: Verdict): string => `${verdict}:${application.reference}:${cycle.id}:${cycle.submissionDeadline}`;
  try {
    const claim = await deps.claims.get(application.organisationKey);
    const folderId = claim?.progress.reference === application.reference ? claim.progress.folderId : undefined;
    if (!folderId) throw new Error('the application has no evidence folder on record');
    const earlier: Verdict | undefined = (await deps.intents.done(intentOf('entered-review'))) ? 'entered-review' : (await deps.intents.done(intentOf('rolled-over'))) ? 'rolled-over' : undefined;
    const readiness = earlier ? undefined : await applicationEvidence(deps, folderId, deadlineInstant(cycle), options.now);
    const verdict: Verdict = earlier ?? (readiness?.readyForReview ? 'entered-review' : 'rolled-over');
    const reason = readiness ? (readiness.reasons[0]?.message ?? 'not ready') : 'decided on an earlier run';
    action.action = verdict === 'entered-review' ? `enters review for ${cycle.name}; folder read-only` : `not ready (${reason}); moves to ${next?.name ?? 'the next published cycle'}`;
    if (options.dryRun) return { action };
    const common = {
      ...(application.requesterName ? { requesterName: application.requesterName } : {}),
      organisationName: application.organisationName,
      reference: application.reference,
      folderUrl: application.folderUrl ?? '',
      supportAddress: deps.settings.inboxAddress,
    };
    if (verdict === 'entered-review') {
      await setApplicantAccess(deps, claim?.progress ?? {}, folderId, application.requesterAddress, 'read');
      if (!earlier) {
        await sendToApplicant(deps, application, intentOf(verdict), enteredReviewEmail({ ...common, cycle: { name: cycle.name, reviewEnd: cycle.reviewEnd, decisionsOpen: cycle.decisionsOpen, decisionsClose: cycle.decisionsClose } }));
      }
      await deps.applications.setStatus(application, 'in review');
    } else {
      if (!earlier && readiness) {
        await sendToApplicant(
          deps,
          application,
          intentOf(verdict),
          rolledOverEmail({
            ...common,
            fromCycle: { name: cycle.name, submissionDeadline: deadlineInstant(cycle) },
            ...(next ? { toCycle: { name: next.name, submissionDeadline: deadlineInstant(next) } } : {}),
            readiness,
            ...(deps.settings.reviewsPausedMessage ? { reviewsPausedMessage: deps.settings.reviewsPausedMessage } : {}),
            stopInstruction: stopRemindersInstruction,
          }),
        );
      }
      // No next cycle: the application waits (empty target) until staff publish one.
      await deps.applications.setTargetCycle(application, next?.id);
    }
    return { action, closed: { application, verdict, ...(readiness ? { readiness } : {}), reason } };
  } catch (error) {
    action.action += ` — failed, will retry on the next run: ${asError(error).message}`;
    logger().warn({ err: error, reference: application.reference }, 'an application could not be closed for its cycle');
    return { action };
  }
}
