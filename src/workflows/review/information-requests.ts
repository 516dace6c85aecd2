import { createHash } from 'node:crypto';
import { informationRequestedEmail } from '../../domain/cycle-emails/decisions.js';
import { informationDueAfterDecisionsCard } from '../../domain/cycle-cards.js';
import { findCycle } from '../../domain/review-calendar.js';
import { ukDateOf, ukEndOfDay } from '../../domain/uk-dates.js';
import type { UkDate } from '../../domain/uk-dates.js';
import type { ApplicationItem } from '../../graph/applications-list.js';
import { asError, logger } from '../../logging.js';
import { setApplicantAccess } from '../folder-access.js';
import { sendToApplicant } from './applicant-mail.js';
import type { JobAction, JobOptions, ReviewDependencies } from './review-dependencies.js';
import { statusFilter } from './review-dependencies.js';

/** One request is one note with one due date: a new note or date is a new request. */
function requestKey(item: ApplicationItem): string | undefined {
  const { InformationRequest: note, InformationDueOn: due } = item.fields;
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
  for (const item of await deps.applications.query(statusFilter('Information requested', 'In review'))) {
    const key = requestKey(item);
    if (!key) continue;
    const { fields } = item;
    const opened = `information-requested:${fields.Reference}:${key}`;
    const closed = `information-closed:${fields.Reference}:${key}`;
    const dueOn = ukDateOf(new Date(fields.InformationDueOn ?? ''));
    const open = fields.Status === 'Information requested' && now.getTime() <= ukEndOfDay(dueOn).getTime();
    const wasOpened = await deps.intents.done(opened);
    if (open && wasOpened) continue;
    if (!open && (!wasOpened || (await deps.intents.done(closed)))) continue;
    const action: JobAction = { job: 'information-requests', reference: fields.Reference, organisation: fields.Title, to: fields.RequesterEmail, action: open ? `asks for more information by ${dueOn}; folder open for edits` : 'information window over; folder read-only again' };
    actions.push(action);
    if (open && !wasOpened) await warnIfDueAfterDecisions(deps, item, dueOn, key, action, options);
    if (options.dryRun) continue;
    try {
      const claim = await deps.claims.get(fields.OrganisationKey);
      const folderId = claim?.progress.reference === fields.Reference ? claim.progress.folderId : undefined;
      if (!folderId) throw new Error('the application has no evidence folder on record');
      if (open) {
        await setApplicantAccess(deps, claim?.progress ?? {}, folderId, fields.RequesterEmail, 'write');
        await sendToApplicant(
          deps,
          item,
          opened,
          informationRequestedEmail({
            ...(fields.RequesterName ? { requesterName: fields.RequesterName } : {}),
            organisationName: fields.Title,
            reference: fields.Reference,
            folderUrl: fields.FolderLink ?? '',
            note: fields.InformationRequest ?? '',
            dueOn,
            supportAddress: deps.settings.inboxAddress,
          }),
        );
      } else {
        await deps.intents.once(closed, async () => {
          await setApplicantAccess(deps, claim?.progress ?? {}, folderId, fields.RequesterEmail, 'read');
          if (fields.Status === 'Information requested') await deps.applications.update(item.id, { Status: 'In review' });
        });
      }
    } catch (error) {
      action.action += ` — failed, will retry on the next run: ${asError(error).message}`;
      logger().warn({ err: error, reference: fields.Reference }, 'an information request could not be handled');
    }
  }
  return actions;
}

/**
 * A due date after the cycle's decision window closes is probably a mistake (or the decision will
 * be late): staff are warned once per request, in the log and with a card. The request still goes.
 */
async function warnIfDueAfterDecisions(deps: ReviewDependencies, item: ApplicationItem, dueOn: UkDate, key: string, action: JobAction, options: JobOptions): Promise<void> {
  const { fields } = item;
  const cycle = fields.TargetCycle ? findCycle((await deps.calendar()).cycles, fields.TargetCycle) : undefined;
  if (!cycle || dueOn <= cycle.decisionsClose) return;
  action.action += `; due after ${cycle.name}'s decision window closes (${cycle.decisionsClose}): staff warned`;
  if (options.dryRun) return;
  logger().warn({ reference: fields.Reference, cycle: cycle.id, dueOn, decisionsClose: cycle.decisionsClose }, "further information is due after the cycle's decision window closes");
  try {
    await deps.intents.once(`information-due-late:${fields.Reference}:${key}`, async () =>
      deps.staff.post(informationDueAfterDecisionsCard({ organisationName: fields.Title, reference: fields.Reference, cycle: { name: cycle.name, decisionsClose: cycle.decisionsClose }, dueOn, listUrl: await deps.settings.listUrl() })),
    );
  } catch (error) {
    logger().warn({ err: error, reference: fields.Reference }, 'the staff card about a late information due date could not be posted (the warning above stands)');
  }
}
