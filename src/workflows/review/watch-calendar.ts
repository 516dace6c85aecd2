import { createHash } from 'node:crypto';
import { cyclePublishedCard, invalidCalendarRowsCard } from '../../domain/cycle-cards.js';
import { reviewsResumedEmail } from '../../domain/cycle-emails/calendar-changes.js';
import { deadlineInstant, nextSubmissionCycle } from '../../domain/review-calendar.js';
import { asError, logger } from '../../logging.js';
import { sendToApplicant } from './applicant-mail.js';
import { announceCalendarChanges } from './calendar-changes.js';
import type { JobAction, JobOptions, ReviewDependencies } from './review-dependencies.js';

/**
 * Watches the calendar staff edit: invalid rows are reported to staff once (with the reasons);
 * moved dates of a published cycle are announced (`calendar-changes.ts`); and when a cycle is
 * published after a pause, the applications waiting without a target cycle are given it and
 * their applicants told.
 */
export async function watchCalendar(deps: ReviewDependencies, options: JobOptions): Promise<JobAction[]> {
  const { cycles, rejected } = await deps.calendar();
  const actions: JobAction[] = [];
  if (rejected.length > 0) {
    const fingerprint = createHash('sha256').update(JSON.stringify(rejected.map((row) => [row.label, row.reasons]))).digest('base64url').slice(0, 22);
    actions.push({ job: 'calendar', action: `${rejected.length} calendar row(s) ignored: ${rejected.map((row) => `${row.label}: ${row.reasons.join(' ')}`).join('; ')}` });
    if (!options.dryRun) {
      await deps.intents.once(`calendar-invalid:${fingerprint}`, async () => deps.staff.post(invalidCalendarRowsCard({ rows: rejected.map((row) => ({ label: row.label, reasons: row.reasons })), calendarUrl: await deps.settings.calendarUrl() })));
    }
  }
  actions.push(...(await announceCalendarChanges(deps, cycles, options)));
  const next = nextSubmissionCycle(cycles, options.now);
  if (!next) return actions;
  const waiting = (await deps.applications.withStatus('open')).filter((application) => !application.targetCycleId);
  for (const application of waiting) {
    const action: JobAction = { job: 'calendar', reference: application.reference, organisation: application.organisationName, to: application.requesterAddress, action: `reviews resumed: now targets ${next.name}` };
    actions.push(action);
    if (options.dryRun) continue;
    try {
      await sendToApplicant(
        deps,
        application,
        `reviews-resumed:${application.reference}:${next.id}`,
        reviewsResumedEmail({
          ...(application.requesterName ? { requesterName: application.requesterName } : {}),
          organisationName: application.organisationName,
          reference: application.reference,
          ...(application.folderUrl ? { folderUrl: application.folderUrl } : {}),
          cycle: { name: next.name, submissionDeadline: deadlineInstant(next), decisionsOpen: next.decisionsOpen, decisionsClose: next.decisionsClose },
          supportAddress: deps.settings.inboxAddress,
        }),
      );
      await deps.applications.setTargetCycle(application, next.id);
    } catch (error) {
      action.action += ` — failed, will retry on the next run: ${asError(error).message}`;
      logger().warn({ err: error, reference: application.reference }, 'a waiting applicant could not be told reviews resumed');
    }
  }
  if (waiting.length > 0 && !options.dryRun) {
    await deps.intents.once(`cycle-published:${next.id}`, () => deps.staff.post(cyclePublishedCard({ cycle: { name: next.name, submissionDeadline: deadlineInstant(next) }, waitingApplicants: waiting.length })));
  }
  return actions;
}
