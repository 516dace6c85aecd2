import type { InvocationContext, Timer, TimerHandler } from '@azure/functions';
import { getRuntime } from '../src/runtime.js';
import { runReviewJob } from '../src/workflows/review/review-jobs.js';
import type { ReviewJobName } from '../src/workflows/review/review-jobs.js';

/**
 * Timers run in UTC; what each run does is worked out from the review calendar in UK time, so a
 * run simply acts on whatever is due "now". Every job is idempotent, so an extra or overlapping
 * run does nothing twice.
 */
function reviewJobTimer(...jobs: ReviewJobName[]): TimerHandler {
  return async (_timer: Timer, context: InvocationContext) => {
    const { review } = getRuntime();
    for (const job of jobs) await runReviewJob(job, review, { now: new Date(), dryRun: false }, context.invocationId);
  };
}

/** Hourly in the working day: reminders on their UK day (deadline and award expiry). */
export const sendRemindersTimer = reviewJobTimer('reminders');
/** Hourly: a deadline (end of a UK day) is acted on within the hour after it passes. */
export const closeCyclesTimer = reviewJobTimer('close-cycle');
/**
 * Every five minutes: staff edits in the review calendar (moved dates are announced at once,
 * invalid rows, reviews resuming) and in the Applications list (decisions, information requests).
 */
export const staffEditsTimer = reviewJobTimer('calendar', 'decisions', 'information-requests');
/** Daily: awards that expired yesterday, withdrawn applications. */
export const awardLifecycleTimer = reviewJobTimer('awards');
/** Monday morning: the staff digest. */
export const weeklyDigestTimer = reviewJobTimer('digest');
/** Every ten minutes: folders still to be shared with their applicant (see docs/graph-assumptions.md). */
export const folderAccessTimer = reviewJobTimer('folder-access');
