import { createHash, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { cycleDatesChangedCard } from '../../domain/cycle-cards.js';
import type { CalendarDateField } from '../../domain/cycle-cards.js';
import { deadlineMovedEmail, decisionWindowMovedEmail } from '../../domain/cycle-emails/calendar-changes.js';
import { deadlineInstant, hasDeadlinePassed } from '../../domain/review-calendar.js';
import type { ReviewCycle } from '../../domain/review-calendar.js';
import type { UkDate } from '../../domain/uk-dates.js';
import type { ApplicationRecord, ApplicationStatus } from '../../domain/application.js';
import { asError, logger } from '../../logging.js';
import { sendToApplicant } from './applicant-mail.js';
import type { JobAction, JobOptions, ReviewDependencies } from './review-dependencies.js';

/** Where the published cycles' dates, as last seen, are kept (the service state table). */
export const SEEN_CALENDAR_STATE = 'review-calendar-seen';

const seenDatesSchema = z.strictObject({
  submissionDeadline: z.string(),
  reviewStart: z.string(),
  reviewEnd: z.string(),
  decisionsOpen: z.string(),
  decisionsClose: z.string(),
});
type SeenDates = z.infer<typeof seenDatesSchema>;
const seenCalendarSchema = z.record(z.string(), seenDatesSchema);
type SeenCalendar = Record<string, SeenDates>;

const FIELDS: readonly [keyof SeenDates, CalendarDateField][] = [
  ['submissionDeadline', 'Submission deadline'],
  ['reviewStart', 'Review start'],
  ['reviewEnd', 'Review end'],
  ['decisionsOpen', 'Decisions open'],
  ['decisionsClose', 'Decisions close'],
];

function datesOf(cycle: ReviewCycle): SeenDates {
  return { submissionDeadline: cycle.submissionDeadline, reviewStart: cycle.reviewStart, reviewEnd: cycle.reviewEnd, decisionsOpen: cycle.decisionsOpen, decisionsClose: cycle.decisionsClose };
}

async function readSeen(deps: Pick<ReviewDependencies, 'state'>): Promise<SeenCalendar | undefined> {
  const stored = await deps.state.get(SEEN_CALENDAR_STATE);
  if (stored === undefined) return undefined;
  try {
    const parsed = seenCalendarSchema.safeParse(JSON.parse(stored));
    if (parsed.success) return parsed.data;
  } catch {
    // Unreadable JSON is treated like an unreadable shape, below.
  }
  // Starting afresh only means a change made before now is not announced; never a wrong date.
  logger().warn('the review calendar as last seen could not be read; starting from the calendar as it is now');
  return undefined;
}

/** Applications still waiting for a decision: they were told the cycle's dates and may need the new ones. */
const TOLD_STATUSES: [ApplicationStatus, ...ApplicationStatus[]] = ['open', 'in review', 'information requested'];

const sameCycle = (application: ApplicationRecord, cycle: ReviewCycle): boolean => (application.targetCycleId ?? '').trim().toLowerCase() === cycle.id.toLowerCase();

/**
 * Staff move a published cycle's dates in the Review calendar list: the calendar as last seen
 * (kept between runs) says what it was, the list what it is now. When the submission deadline
 * moves, every open application targeting the cycle is emailed the old and the new deadline; when
 * decisions move later, applicants in the cycle are told; staff get one card per change. Each
 * email's intent names the new date, so a rerun or a second run at once sends nothing twice and
 * moving a date back and forth sends one email per new date. A cycle seen for the first time is
 * only recorded. The dates as seen move on only once everyone has been told.
 */
export async function announceCalendarChanges(deps: ReviewDependencies, cycles: readonly ReviewCycle[], options: JobOptions): Promise<JobAction[]> {
  const published = cycles.filter((cycle) => cycle.status === 'published');
  const seen = await readSeen(deps);
  const next: SeenCalendar = { ...(seen ?? {}) };
  const actions: JobAction[] = [];
  for (const cycle of published) {
    const key = cycle.id.toLowerCase();
    const before = seen?.[key];
    const now = datesOf(cycle);
    const changes = before === undefined ? [] : FIELDS.filter(([field]) => before[field] !== now[field]).map(([field, label]) => ({ field: label, from: before[field], to: now[field] }));
    if (before === undefined || changes.length === 0) {
      next[key] = now;
      continue;
    }
    const outcome = await announceChange(deps, cycle, before, changes, options);
    actions.push(...outcome.actions);
    if (outcome.complete) next[key] = now;
  }
  const unchanged = seen !== undefined && JSON.stringify(next) === JSON.stringify(seen);
  if (!options.dryRun && !unchanged) await deps.state.set(SEEN_CALENDAR_STATE, JSON.stringify(next));
  return actions;
}

async function announceChange(
  deps: ReviewDependencies,
  cycle: ReviewCycle,
  before: SeenDates,
  changes: { field: CalendarDateField; from: UkDate; to: UkDate }[],
  options: JobOptions,
): Promise<{ actions: JobAction[]; complete: boolean }> {
  const deadlineMoved = before.submissionDeadline !== cycle.submissionDeadline && !hasDeadlinePassed(cycle, options.now);
  const decisionsLater = cycle.decisionsOpen > before.decisionsOpen || cycle.decisionsClose > before.decisionsClose;
  const summary = changes.map((change) => `${change.field.toLowerCase()} ${change.from} → ${change.to}`).join(', ');
  const actions: JobAction[] = [{ job: 'calendar', action: `${cycle.name}: dates changed (${summary})` }];
  const candidates =
    deadlineMoved || decisionsLater
      ? (await deps.applications.targeting(cycle.id, TOLD_STATUSES)).filter((application) => sameCycle(application, cycle) && TOLD_STATUSES.includes(application.status))
      : [];
  const toldOfDeadline = deadlineMoved ? candidates.filter((application) => application.status === 'open') : [];
  const toldOfDecisions = decisionsLater ? candidates : [];
  let complete = true;
  const tell = async (application: ApplicationRecord, what: string, intent: string, send: () => Promise<unknown>): Promise<void> => {
    const action: JobAction = { job: 'calendar', reference: application.reference, organisation: application.organisationName, to: application.requesterAddress, action: what };
    actions.push(action);
    if (options.dryRun) return;
    try {
      action.action += ` (${String(await send())})`;
    } catch (error) {
      complete = false;
      action.action += ` — failed, will retry on the next run: ${asError(error).message}`;
      logger().warn({ err: error, reference: application.reference, intent }, 'an applicant could not be told of a calendar change');
    }
  };
  const common = (application: ApplicationRecord) => ({
    ...(application.requesterName ? { requesterName: application.requesterName } : {}),
    organisationName: application.organisationName,
    reference: application.reference,
    supportAddress: deps.settings.inboxAddress,
  });
  for (const item of toldOfDeadline) {
    const intent = `deadline-moved:${item.reference}:${cycle.id}:${cycle.submissionDeadline}`;
    await tell(item, `told the deadline moved from ${before.submissionDeadline} to ${cycle.submissionDeadline}`, intent, () =>
      sendToApplicant(
        deps,
        item,
        intent,
        deadlineMovedEmail({
          ...common(item),
          cycle: { name: cycle.name },
          previousDeadline: before.submissionDeadline,
          submissionDeadline: deadlineInstant(cycle),
          ...(item.folderUrl ? { folderUrl: item.folderUrl } : {}),
        }),
      ),
    );
  }
  for (const item of toldOfDecisions) {
    const intent = `decisions-moved:${item.reference}:${cycle.id}:${cycle.decisionsOpen}:${cycle.decisionsClose}`;
    await tell(item, `told decisions now come ${cycle.decisionsOpen} to ${cycle.decisionsClose}`, intent, () =>
      sendToApplicant(
        deps,
        item,
        intent,
        decisionWindowMovedEmail({
          ...common(item),
          cycle: { name: cycle.name },
          previous: { decisionsOpen: before.decisionsOpen, decisionsClose: before.decisionsClose },
          current: { decisionsOpen: cycle.decisionsOpen, decisionsClose: cycle.decisionsClose },
        }),
      ),
    );
  }
  if (!complete || options.dryRun) return { actions, complete };
  const fingerprint = createHash('sha256').update(JSON.stringify(changes)).digest('base64url').slice(0, 22);
  logger().info({ cycle: cycle.id, changes: summary, toldOfDeadline: toldOfDeadline.length, toldOfDecisions: toldOfDecisions.length }, 'a published cycle\'s dates changed');
  // Runs overlap (the timer and a staff preview, two instances): one card among them.
  await deps.intents.onceAmong(`calendar-dates-changed:${cycle.id}:${fingerprint}`, randomUUID(), async () =>
    deps.staff.post(cycleDatesChangedCard({ cycle: { name: cycle.name }, changes, toldOfDeadline: toldOfDeadline.length, toldOfDecisions: toldOfDecisions.length, calendarUrl: await deps.settings.calendarUrl() })),
  );
  return { actions, complete };
}
