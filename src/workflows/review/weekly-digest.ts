import { weeklyDigestCard } from '../../domain/cycle-cards.js';
import { addUkDays, ukDateOf, ukDaysBetween, ukStartOfDay } from '../../domain/uk-dates.js';
import { deadlineInstant, nextSubmissionCycle } from '../../domain/review-calendar.js';
import { logger } from '../../logging.js';
import { applicationEvidence } from './application-evidence.js';
import type { JobAction, JobOptions, ReviewDependencies } from './review-dependencies.js';

/** The Monday digest for staff: new applications, the next deadline, readiness, what is due. */
export async function postWeeklyDigest(deps: ReviewDependencies, options: JobOptions): Promise<JobAction[]> {
  const { now } = options;
  const today = ukDateOf(now);
  const weekAgo = ukStartOfDay(addUkDays(today, -7));
  const { cycles } = await deps.calendar();
  const next = nextSubmissionCycle(cycles, now);
  const [open, review, decided] = await Promise.all([
    deps.applications.withStatus('open'),
    deps.applications.withStatus('in review', 'information requested'),
    deps.applications.withStatus('decided'),
  ]);
  const newApplications = [...open, ...review].filter((application) => application.receivedAt && new Date(application.receivedAt) >= weekAgo);
  const readiness = { ready: 0, notReady: 0, byLevel: { none: 0, bronze: 0, silver: 0, gold: 0 } };
  if (next) {
    for (const application of open.filter((candidate) => candidate.targetCycleId === next.id)) {
      const claim = await deps.claims.get(application.organisationKey);
      const folderId = claim?.progress.reference === application.reference ? claim.progress.folderId : undefined;
      if (!folderId) continue;
      try {
        const result = await applicationEvidence(deps, folderId, deadlineInstant(next), now);
        readiness[result.readyForReview ? 'ready' : 'notReady'] += 1;
        readiness.byLevel[result.supportedLevel] += 1;
      } catch (error) {
        logger().warn({ err: error, reference: application.reference }, 'readiness left out of the digest');
      }
    }
  }
  const soon = addUkDays(today, 90);
  const expiringSoon = decided.flatMap((application) => {
    const expiresOn = application.awardExpiresOn ? ukDateOf(new Date(application.awardExpiresOn)) : undefined;
    return expiresOn && expiresOn >= today && expiresOn <= soon ? [{ organisationName: application.organisationName, reference: application.reference, expiresOn }] : [];
  });
  const weekOf = ukStartOfDay(addUkDays(today, -((new Date(`${today}T12:00:00Z`).getUTCDay() + 6) % 7)));
  const intent = `digest:${ukDateOf(weekOf)}`;
  const actions: JobAction[] = [{ job: 'digest', action: `weekly digest: ${newApplications.length} new, ${readiness.ready} ready and ${readiness.notReady} not ready for the next deadline, ${expiringSoon.length} awards expiring within 90 days` }];
  if (options.dryRun || (await deps.intents.done(intent))) return actions;
  await deps.intents.once(intent, async () =>
    deps.staff.post(
      weeklyDigestCard({
        weekOf,
        newApplications: newApplications.map((application) => ({ organisationName: application.organisationName, reference: application.reference, receivedAt: new Date(application.receivedAt ?? 0) })),
        ...(next ? { nextDeadline: { cycleName: next.name, submissionDeadline: deadlineInstant(next), daysLeft: ukDaysBetween(today, next.submissionDeadline) } } : {}),
        readiness,
        decisionsDue: review.filter((application) => application.decisionReady && !application.decisionSentOn).length,
        expiringSoon,
        listUrl: await deps.settings.listUrl(),
      }),
    ),
  );
  return actions;
}
