import type { ApplicationStatus } from '../../domain/application.js';
import { folderAccessReadyEmail } from '../../domain/folder-access-messages.js';
import type { FolderRole } from '../../ports/evidence-folders.port.js';
import { asError, logger } from '../../logging.js';
import { accessPending, accessProgress, grantFolderAccess } from '../folder-access.js';
import { sendToApplicant } from './applicant-mail.js';
import type { JobAction, JobOptions, ReviewDependencies } from './review-dependencies.js';

/** The access an application's status calls for; undefined once it is finished (nothing to share). */
function roleFor(status: ApplicationStatus): FolderRole | undefined {
  switch (status) {
    case 'open':
    case 'information requested':
      return 'write';
    case 'in review':
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
  for (const application of await deps.applications.withFolderAccessPending()) {
    const role = roleFor(application.status);
    const action: JobAction = { job: 'folder-access', reference: application.reference, organisation: application.organisationName, to: application.requesterAddress, action: '' };
    actions.push(action);
    if (!role) {
      action.action = `not shared: the application is ${application.status}`;
      continue;
    }
    action.action = `shares the folder (${role === 'write' ? 'can edit' : 'can view'}) and tells the applicant`;
    if (options.dryRun) continue;
    try {
      let claim = await deps.claims.get(application.organisationKey);
      const folderId = claim?.progress.reference === application.reference ? claim.progress.folderId : undefined;
      if (!claim || !folderId) throw new Error('the application has no evidence folder on record');
      if (accessPending(claim.progress) || !claim.progress.permissionId) {
        const result = await grantFolderAccess(deps.access, folderId, { email: application.requesterAddress, ...(application.requesterName ? { name: application.requesterName } : {}) }, role, { sendInvitation: false });
        if (result.kind === 'refused') {
          action.action = `still pending: ${result.reason}`;
          continue;
        }
        claim = await deps.claims.checkpoint(claim, accessProgress(result));
      }
      const intent = `folder-access:${application.reference}`;
      await sendToApplicant(
        deps,
        application,
        intent,
        folderAccessReadyEmail({
          ...(application.requesterName ? { requesterName: application.requesterName } : {}),
          organisationName: application.organisationName,
          reference: application.reference,
          folderUrl: application.folderUrl ?? claim.progress.folderUrl ?? '',
          supportAddress: deps.settings.inboxAddress,
        }),
      );
      await deps.applications.recordFolderAccessGranted(application);
      logger().info({ reference: application.reference, to: application.requesterAddress }, 'shared the evidence folder that was pending');
    } catch (error) {
      action.action += ` — failed, will retry on the next run: ${asError(error).message}`;
      logger().warn({ err: error, reference: application.reference }, 'pending folder access could not be granted');
    }
  }
  return actions;
}
