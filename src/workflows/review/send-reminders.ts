import type { ApplicationRecord } from '../../domain/application.js';
import { awardExpiryReminderEmail } from '../../domain/cycle-emails/award-lifecycle.js';
import { deadlineReminderEmail } from '../../domain/cycle-emails/reminders.js';
import { readinessSummaryLines } from '../../domain/cycle-emails/readiness.js';
import { renewalOpensOn } from '../../domain/award.js';
import type { AwardLevel } from '../../domain/award.js';
import { dueDeadlineReminders, dueExpiryReminders } from '../../domain/reminder-schedule.js';
import type { ReminderApplication } from '../../domain/reminder-schedule.js';
import { plural } from '../../domain/plural.js';
import { findCycle, nextSubmissionCycle } from '../../domain/review-calendar.js';
import { ukDateOf } from '../../domain/uk-dates.js';
import { asError, logger } from '../../logging.js';
import { applicationEvidence } from './application-evidence.js';
import { sendToApplicant } from './applicant-mail.js';
import type { JobAction, JobOptions, ReviewDependencies } from './review-dependencies.js';

export const stopRemindersInstruction = 'reply to this email with STOP REMINDERS in the subject';

function awardLevelOf(application: ApplicationRecord): AwardLevel | undefined {
  return application.award === 'not-awarded' ? undefined : application.award;
}

function reminderApplication(application: ApplicationRecord): ReminderApplication {
  const level = awardLevelOf(application);
  const expiresOn = application.awardExpiresOn ? ukDateOf(new Date(application.awardExpiresOn)) : undefined;
  return {
    ref: application.reference,
    targetCycleId: application.targetCycleId ?? '',
    status: application.status,
    optedOut: application.remindersOff,
    organisationKey: application.organisationKey,
    ...(level ? { awardLevel: level } : {}),
    ...(expiresOn ? { awardExpiresOn: expiresOn } : {}),
  };
}

/**
 * Deadline reminders (default 28, 14, 7 and 1 days before) to every open application targeting
 * the cycle, each with its evidence readiness; and award expiry reminders (default 90 and 30
 * days). Each reminder goes once: its id is the send intent, whatever runs overlap.
 */
export async function sendReminders(deps: ReviewDependencies, options: JobOptions): Promise<JobAction[]> {
  const { now } = options;
  const { cycles } = await deps.calendar();
  const rows = await deps.applications.withStatus('open', 'decided');
  const applications = rows.map(reminderApplication);
  const byReference = new Map(rows.map((row) => [row.reference, row]));
  const settings = { deadlineOffsets: deps.settings.deadlineReminderOffsets, expiryOffsets: deps.settings.expiryReminderOffsets, openStatuses: ['open'] };
  const { due: deadlineReminders, skipped } = dueDeadlineReminders({ now, calendar: cycles, applications, options: settings });
  const expiryReminders = dueExpiryReminders({ now, calendar: cycles, applications, options: settings });
  for (const skip of skipped) logger().warn({ reference: skip.applicationRef, reason: skip.reason }, skip.message);

  const actions: JobAction[] = [];
  for (const reminder of deadlineReminders) {
    const item = byReference.get(reminder.applicationRef);
    const intent = `reminder:${reminder.id}`;
    if (!item || (await deps.intents.done(intent))) continue;
    const action: JobAction = { job: 'reminders', reference: item.reference, organisation: item.organisationName, to: item.requesterAddress, action: `deadline reminder, ${plural(reminder.daysLeft, 'day')} before ${reminder.cycleName}` };
    actions.push(action);
    try {
      const claim = await deps.claims.get(item.organisationKey);
      const folderId = claim?.progress.reference === item.reference ? claim.progress.folderId : undefined;
      if (!folderId) throw new Error('the application has no evidence folder on record');
      const cycle = findCycle(cycles, reminder.cycleId);
      // Reading the folder changes nothing, so a dry run shows what the email would say.
      const readiness = await applicationEvidence(deps, folderId, reminder.deadlineAt, now);
      if (options.dryRun) {
        action.details = readinessSummaryLines(readiness);
        continue;
      }
      const content = deadlineReminderEmail({
        ...(item.requesterName ? { requesterName: item.requesterName } : {}),
        organisationName: item.organisationName,
        reference: item.reference,
        folderUrl: item.folderUrl ?? '',
        formUrl: item.formUrl ?? '',
        cycle: { name: cycle?.name ?? reminder.cycleName, submissionDeadline: reminder.deadlineAt },
        daysLeft: reminder.daysLeft,
        ...(reminder.extendedFrom ? { movedFrom: reminder.extendedFrom } : {}),
        readiness,
        supportAddress: deps.settings.inboxAddress,
        stopInstruction: stopRemindersInstruction,
        laterCyclePublished: cycles.some((other) => other.status === 'published' && other.submissionDeadline > reminder.deadlineDate),
      });
      action.action += ` (${await sendToApplicant(deps, item, intent, content)})`;
    } catch (error) {
      action.action += options.dryRun ? ` — its readiness could not be read: ${asError(error).message}` : ` — failed, will retry on the next run: ${asError(error).message}`;
      logger().warn({ err: error, reference: item.reference }, 'a deadline reminder could not be sent');
    }
  }
  for (const reminder of expiryReminders) {
    const item = byReference.get(reminder.applicationRef);
    const intent = `reminder:${reminder.id}`;
    const level = item ? awardLevelOf(item) : undefined;
    if (!item || !level || (await deps.intents.done(intent))) continue;
    const action: JobAction = { job: 'reminders', reference: item.reference, organisation: item.organisationName, to: item.requesterAddress, action: `award expiry reminder, ${plural(reminder.daysLeft, 'day')} before ${reminder.awardExpiresOn}` };
    actions.push(action);
    if (options.dryRun) continue;
    try {
      const content = awardExpiryReminderEmail({
        ...(item.requesterName ? { requesterName: item.requesterName } : {}),
        organisationName: item.organisationName,
        reference: item.reference,
        award: level,
        expiresOn: reminder.awardExpiresOn,
        daysLeft: reminder.daysLeft,
        renewalOpensOn: renewalOpensOn(reminder.awardExpiresOn),
        reviewsPaused: nextSubmissionCycle(cycles, now) === undefined,
        ...(deps.settings.reviewsPausedMessage ? { reviewsPausedMessage: deps.settings.reviewsPausedMessage } : {}),
        inboxAddress: deps.settings.inboxAddress,
        ...(item.odsCode ? { odsCode: item.odsCode } : {}),
        supportAddress: deps.settings.inboxAddress,
      });
      action.action += ` (${await sendToApplicant(deps, item, intent, content)})`;
    } catch (error) {
      action.action += ` — failed, will retry on the next run: ${asError(error).message}`;
      logger().warn({ err: error, reference: item.reference }, 'an award expiry reminder could not be sent');
    }
  }
  return actions;
}
