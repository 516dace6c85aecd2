import { withCorrelation } from '../../logging.js';
import { logger } from '../../logging.js';
import { updateAwardLifecycle } from './award-lifecycle.js';
import { closeCycles } from './close-cycles.js';
import { grantPendingFolderAccess } from './grant-folder-access.js';
import { handleInformationRequests } from './information-requests.js';
import type { JobAction, JobOptions, ReviewDependencies } from './review-dependencies.js';
import { sendDecisions } from './send-decisions.js';
import { sendReminders } from './send-reminders.js';
import { watchCalendar } from './watch-calendar.js';
import { postWeeklyDigest } from './weekly-digest.js';

/** Every review-calendar job by name: what the timers run, and what `npm run weqs -- <job>` previews. */
export const reviewJobs = {
  reminders: sendReminders,
  'close-cycle': closeCycles,
  'information-requests': handleInformationRequests,
  decisions: sendDecisions,
  awards: updateAwardLifecycle,
  calendar: watchCalendar,
  digest: postWeeklyDigest,
  'folder-access': grantPendingFolderAccess,
} as const satisfies Record<string, (deps: ReviewDependencies, options: JobOptions) => Promise<JobAction[]>>;

export type ReviewJobName = keyof typeof reviewJobs;

export function isReviewJob(name: string): name is ReviewJobName {
  return Object.hasOwn(reviewJobs, name);
}

/** Runs one job with its own correlation id and logs what it did. */
export async function runReviewJob(name: ReviewJobName, deps: ReviewDependencies, options: JobOptions, correlationId?: string): Promise<JobAction[]> {
  return withCorrelation({ ...(correlationId ? { correlationId } : {}), job: name, asOf: options.now.toISOString(), dryRun: options.dryRun }, async () => {
    const actions = await reviewJobs[name](deps, options);
    logger().info({ actions: actions.length }, `${name} job finished`);
    return actions;
  });
}
