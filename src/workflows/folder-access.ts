import { asError, logger } from '../logging.js';
import type { ProvisioningProgress } from '../ports/claims.port.js';
import type { ApplicantStanding, FolderAccessPort, FolderRole, ShareOptions, ShareResult } from '../ports/evidence-folders.port.js';

/** Sharing an applicant's folder: what the saga and the access job use. */
export type FolderAccessDependencies = FolderAccessPort;

export interface Applicant {
  email: string;
  name?: string;
}

/**
 * Makes a new applicant a guest of the tenant, where the deployment may, so that app-only sharing
 * reaches them. Never fails the caller: if this does not work, sharing is refused and staff are
 * given the action instead.
 */
export async function prepareApplicant(deps: FolderAccessDependencies, applicant: Applicant): Promise<ApplicantStanding | 'unknown'> {
  if (!deps.guests) return 'unknown';
  try {
    const standing = await deps.guests.standing(applicant.email);
    if (standing !== 'not-known') return standing;
    await deps.guests.createGuest(applicant.email, applicant.name);
    logger().info({ to: applicant.email }, 'made the applicant a guest of the tenant');
    return 'guest';
  } catch (error) {
    logger().warn({ err: asError(error), to: applicant.email }, 'could not make the applicant a guest; sharing may be refused');
    return 'unknown';
  }
}

/** Prepares the applicant, then shares the folder: granted with the permission id, or refused. */
export async function grantFolderAccess(deps: FolderAccessDependencies, folderId: string, applicant: Applicant, role: FolderRole, options: ShareOptions): Promise<ShareResult> {
  await prepareApplicant(deps, applicant);
  return deps.sharing.share(folderId, applicant.email, role, options);
}

/** What the claim records about the applicant's access after a share attempt. */
export function accessProgress(result: ShareResult): ProvisioningProgress {
  return result.kind === 'granted' ? { shared: true, permissionId: result.permissionId, accessPending: false } : { shared: false, accessPending: true, accessPendingReason: result.reason };
}

/** Whether the applicant's access is still to be granted (the access job's work). */
export function accessPending(progress: ProvisioningProgress): boolean {
  return progress.accessPending === true;
}

/**
 * Changes the applicant's access to read or edit by the permission id the invite returned (a
 * guest's permission is not listed with their address). While access is still pending nothing is
 * changed: the access job grants the role the application's status calls for. Claims from before
 * ids were recorded fall back to finding the permission by address.
 * https://learn.microsoft.com/graph/api/permission-update
 */
export async function setApplicantAccess(
  deps: { access: FolderAccessDependencies; folders: { setAccess(folderId: string, email: string, role: FolderRole): Promise<'changed' | 'unchanged'> } },
  progress: ProvisioningProgress,
  folderId: string,
  email: string,
  role: FolderRole,
): Promise<'changed' | 'unchanged' | 'pending'> {
  if (accessPending(progress)) return 'pending';
  if (!progress.permissionId) return deps.folders.setAccess(folderId, email, role);
  if ((await deps.access.sharing.changeRole(folderId, progress.permissionId, role)) === 'changed') return 'changed';
  // Staff removed the permission: the person is a member or guest by now, so sharing again works, silently.
  const again = await deps.access.sharing.share(folderId, email, role, { sendInvitation: false });
  if (again.kind === 'refused') throw new Error(`the applicant's permission was removed and sharing again was refused: ${again.reason}`);
  return 'changed';
}
