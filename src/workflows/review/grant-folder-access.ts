import { odata } from '../../graph/odata-filter.js';
import { folderAccessReadyEmail } from '../../domain/folder-access-messages.js';
import type { FolderRole } from '../../graph/folder-sharing.js';
import type { ApplicationItem } from '../../graph/applications-list.js';
import { asError, logger } from '../../logging.js';
import { accessPending, accessProgress, grantFolderAccess } from '../folder-access.js';
import { sendToApplicant } from './applicant-mail.js';
import type { JobAction, JobOptions, ReviewDependencies } from './review-dependencies.js';

/** The access an application's status calls for; undefined once it is finished (nothing to share). */
function roleFor(status: ApplicationItem['fields']['Status']): FolderRole | undefined {
  switch (status) {
    case 'Open':
    case 'Information requested':
      return 'write';
    case 'In review':
      return 'read';
    default:
      return undefined;
  }
}

/**
 * Retries sharing every folder whose access is pending (someone outside the tenant who was not a
 * guest yet, or a sharing failure), until it works: then records the permission id, tells the
 * applicant once, and marks the row. Safe to run again at any point: a recorded permission is not
 * shared twice, and the email goes once per application.
 */
export async function grantPendingFolderAccess(deps: ReviewDependencies, options: JobOptions): Promise<JobAction[]> {
  const actions: JobAction[] = [];
  for (const item of await deps.applications.query(odata`fields/FolderAccess eq ${'Pending'}`)) {
    const { fields } = item;
    const role = roleFor(fields.Status);
    const action: JobAction = { job: 'folder-access', reference: fields.Reference, organisation: fields.Title, to: fields.RequesterEmail, action: '' };
    actions.push(action);
    if (!role) {
      action.action = `not shared: the application is ${fields.Status.toLowerCase()}`;
      continue;
    }
    action.action = `shares the folder (${role === 'write' ? 'can edit' : 'can view'}) and tells the applicant`;
    if (options.dryRun) continue;
    try {
      let claim = await deps.claims.get(fields.OrganisationKey);
      const folderId = claim?.progress.reference === fields.Reference ? claim.progress.folderId : undefined;
      if (!claim || !folderId) throw new Error('the application has no evidence folder on record');
      if (accessPending(claim.progress) || !claim.progress.permissionId) {
        const result = await grantFolderAccess(deps.access, folderId, { email: fields.RequesterEmail, ...(fields.RequesterName ? { name: fields.RequesterName } : {}) }, role, { sendInvitation: false });
        if (result.kind === 'refused') {
          action.action = `still pending: ${result.reason}`;
          continue;
        }
        claim = await deps.claims.checkpoint(claim, accessProgress(result));
      }
      const intent = `folder-access:${fields.Reference}`;
      await sendToApplicant(
        deps,
        item,
        intent,
        folderAccessReadyEmail({
          ...(fields.RequesterName ? { requesterName: fields.RequesterName } : {}),
          organisationName: fields.Title,
          reference: fields.Reference,
          folderUrl: fields.FolderLink ?? claim.progress.folderUrl ?? '',
          supportAddress: deps.settings.inboxAddress,
        }),
      );
      await deps.applications.update(item.id, { FolderAccess: 'Granted' });
      logger().info({ reference: fields.Reference, to: fields.RequesterEmail }, 'shared the evidence folder that was pending');
    } catch (error) {
      action.action += ` — failed, will retry on the next run: ${asError(error).message}`;
      logger().warn({ err: error, reference: fields.Reference }, 'pending folder access could not be granted');
    }
  }
  return actions;
}
