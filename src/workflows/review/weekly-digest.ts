import { weeklyDigestCard } from '../../domain/cycle-cards.js';
import { addUkDays, ukDateOf, ukDaysBetween, ukStartOfDay } from '../../domain/uk-dates.js';
import { deadlineInstant, nextSubmissionCycle } from '../../domain/review-calendar.js';
import { logger } from '../../logging.js';
import { applicationEvidence } from './application-evidence.js';
import type { JobAction, JobOptions, ReviewDependencies } from './review-dependencies.js';
import { statusFilter } from './review-dependencies.js';

/** The Monday digest for staff: new applications, the next deadline, readiness, what is due. */
export async function postWeeklyDigest(deps: ReviewDependencies, options: JobOptions): Promise<JobAction[]> {
  const { now } = options;
  const today = ukDateOf(now);
  const weekAgo = ukStartOfDay(addUkDays(today, -7));
  const { cycles } = await deps.calendar();
  const next = nextSubmissionCycle(cycles, now);
  const [open, review, decided] = await Promise.all([
    deps.applications.query(statusFilter('Open')),
    deps.applications.query(statusFilter('In review', 'Information requested')),
    deps.applications.query(statusFilter('Decided')),
  ]);
  const newApplications = [...open, ...review].filter((item) => item.fields.ReceivedOn && new Date(item.fields.ReceivedOn) >= weekAgo);
  const readiness = { ready: 0, notReady: 0, byLevel: { none: 0, bronze: 0, silver: 0, gold: 0 } };
  if (next) {
    for (const item of open.filter((candidate) => candidate.fields.TargetCycle === next.id)) {
      const claim = await deps.claims.get(item.fields.OrganisationKey);
      const folderId = claim?.progress.reference === item.fields.Reference ? claim.progress.folderId : undefined;
      if (!folderId) continue;
      try {
        const result = await applicationEvidence(deps, folderId, deadlineInstant(next), now);
        readiness[result.readyForReview ? 'ready' : 'notReady'] += 1;
        readiness.byLevel[result.supportedLevel] += 1;
      } catch (error) {
        logger().warn({ err: error, reference: item.fields.Reference }, 'readiness left out of the digest');
      }
    }
  }
  const soon = addUkDays(today, 90);
  const expiringSoon = decided.flatMap((item) => {
    const expiresOn = item.fields.AwardExpiresOn ? ukDateOf(new Date(item.fields.AwardExpiresOn)) : undefined;
    return expiresOn && expiresOn >= today && expiresOn <= soon ? [{ organisationName: item.fields.Title, reference: item.fields.Reference, expiresOn }] : [];
  });
  const weekOf = ukStartOfDay(addUkDays(today, -((new Date(`${today}T12:00:00Z`).getUTCDay() + 6) % 7)));
  const intent = `digest:${ukDateOf(weekOf)}`;
  const actions: JobAction[] = [{ job: 'digest', action: `weekly digest: ${newApplications.length} new, ${readiness.ready} ready and ${readiness.notReady} not ready for the next deadline, ${expiringSoon.length} awards expiring within 90 days` }];
  if (options.dryRun || (await deps.intents.done(intent))) return actions;
  await deps.intents.once(intent, async () =>
    deps.staff.post(
      weeklyDigestCard({
        weekOf,
        newApplications: newApplications.map((item) => ({ organisationName: item.fields.Title, reference: item.fields.Reference, receivedAt: new Date(item.fields.ReceivedOn ?? 0) })),
        ...(next ? { nextDeadline: { cycleName: next.name, submissionDeadline: deadlineInstant(next), daysLeft: ukDaysBetween(today, next.submissionDeadline) } } : {}),
        readiness,
        decisionsDue: review.filter((item) => item.fields.DecisionReady && !item.fields.DecisionSentOn).length,
        expiringSoon,
        listUrl: await deps.settings.listUrl(),
      }),
    ),
  );
  return actions;
}
