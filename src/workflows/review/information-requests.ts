import { createHash } from 'node:crypto';
import type { ApplicationRecord } from '../../domain/application.js';
import { informationRequestedEmail } from '../../domain/cycle-emails/decisions.js';
import { informationDueAfterDecisionsCard } from '../../domain/cycle-cards.js';
import { findCycle } from '../../domain/review-calendar.js';
import { ukDateOf, ukEndOfDay } from '../../domain/uk-dates.js';
import type { UkDate } from '../../domain/uk-dates.js';
import { asError, logger } from '../../logging.js';
import { setApplicantAccess } from '../folder-access.js';
import { sendToApplicant } from './applicant-mail.js';
import type { JobAction, JobOptions, ReviewDependencies } from './review-dependencies.js';

/** One request is one note with one due date: a new note or date is a new request. */
function requestKey(application: ApplicationRecord): string | undefined {
  const { informationRequest: note, informationDueOn: due } = application;
  if (!note || !due) return undefined;
  return createHash('sha256').update(`${note}\n${due}`).digest('base64url').slice(0, 22);
}

/**
 * Requests for further information during review: when staff set the status to "Information
 * requested" with a note and a due date, the applicant gets the note and edit access until the end
 * of that day (UK); then access is read-only again and the status goes back to "In review". If staff
 * move the status back earlier, access closes at once.
 */
export async function handleInformationRequests(deps: ReviewDependencies, options: JobOptions): Promise<JobAction[]> {
  const { now } = options;
  const actions: JobAction[] = [];
  for (const application of await deps.applications.withStatus('information requested', 'in review')) {
    const key = requestKey(application);
    if (!key) continue;
    const opened = `information-requested:${application.reference}:${key}`;
    const closed = `information-closed:${application.reference}:${key}`;
    const dueOn = ukDateOf(new Date(application.informationDueOn ?? ''));
    const open = application.status === 'information requested' && now.getTime() <= ukEndOfDay(dueOn).getTime();
    const wasOpened = await deps.intents.done(opened);
    if (open && wasOpened) continue;
    if (!open && (!wasOpened || (await deps.intents.done(closed)))) continue;
    const action: JobAction = { job: 'information-requests', reference: application.reference, organisation: application.organisationName, to: application.requesterAddress, action: open ? `asks for more information by ${dueOn}; folder open for edits` : 'information window over; folder read-only again' };
    actions.push(action);
    if (open && !wasOpened) await warnIfDueAfterDecisions(deps, application, dueOn, key, action, options);
    if (options.dryRun) continue;
    try {
      const claim = await deps.claims.get(application.organisationKey);
      const folderId = claim?.progress.reference === application.reference ? claim.progress.folderId : undefined;
      if (!folderId) throw new Error('the application has no evidence folder on record');
      if (open) {
        await setApplicantAccess(deps, claim?.progress ?? {}, folderId, application.requesterAddress, 'write');
        await sendToApplicant(
          deps,
          application,
          opened,
          informationRequestedEmail({
            ...(application.requesterName ? { requesterName: application.requesterName } : {}),
            organisationName: application.organisationName,
            reference: application.reference,
            folderUrl: application.folderUrl ?? '',
            note: application.informationRequest ?? '',
            dueOn,
            supportAddress: deps.settings.inboxAddress,
          }),
        );
      } else {
        await deps.intents.once(closed, async () => {
          await setApplicantAccess(deps, claim?.progress ?? {}, folderId, application.requesterAddress, 'read');
          if (application.status === 'information requested') await deps.applications.setStatus(application, 'in review');
        });
      }
    } catch (error) {
      action.action += ` — failed, will retry on the next run: ${asError(error).message}`;
      logger().warn({ err: error, reference: application.reference }, 'an information request could not be handled');
    }
  }
  return actions;
}

/**
 * A due date after the cycle's decision window closes is probably a mistake (or the decision will
 * be late): staff are warned once per request, in the log and with a card. The request still goes.
 */
async function warnIfDueAfterDecisions(deps: ReviewDependencies, application: ApplicationRecord, dueOn: UkDate, key: string, action: JobAction, options: JobOptions): Promise<void> {
  const cycle = application.targetCycleId ? findCycle((await deps.calendar()).cycles, application.targetCycleId) : undefined;
  if (!cycle || dueOn <= cycle.decisionsClose) return;
  action.action += `; due after ${cycle.name}'s decision window closes (${cycle.decisionsClose}): staff warned`;
  if (options.dryRun) return;
  logger().warn({ reference: application.reference, cycle: cycle.id, dueOn, decisionsClose: cycle.decisionsClose }, "further information is due after the cycle's decision window closes");
  try {
    await deps.intents.once(`information-due-late:${application.reference}:${key}`, async () =>
      deps.staff.post(informationDueAfterDecisionsCard({ organisationName: application.organisationName, reference: application.reference, cycle: { name: cycle.name, decisionsClose: cycle.decisionsClose }, dueOn, listUrl: await deps.settings.listUrl() })),
    );
  } catch (error) {
    logger().warn({ err: error, reference: application.reference }, 'the staff card about a late information due date could not be posted (the warning above stands)');
  }
}
