import { organisationFolderName } from '../domain/folder-name.js';
import { logger } from '../logging.js';
import type { ApplicationClaim, ClaimsPort } from '../ports/claims.port.js';
import type { EvidenceFoldersPort, FolderPlan, ProvisionedFolder } from '../ports/evidence-folders.port.js';
import { accessProgress } from './folder-access.js';

export interface FolderOwnershipDependencies {
  claims: ClaimsPort;
  evidence: EvidenceFoldersPort;
}

/** Another application's folder turned up where this one's should be: never adopted, never shared. */
export class FolderOwnershipConflict extends Error {}

/**
 * Gives an application a folder that is its own and nobody else's. A folder belongs to exactly one
 * claim:
 * 1. the name is reserved for the claim in the claims table (an atomic insert; SharePoint's
 *    case-insensitive comparison is mirrored), and a name another claim holds is never used;
 * 2. before anything is created the library must have nothing by that name (a folder staff made,
 *    or one from before reservations existed), recorded in the claim's checkpoint;
 * 3. only then is the folder made; a retry that meets a folder at the name knows it is its own,
 *    because nobody else can hold the name and it was free when this claim took it;
 * 4. the folder's id is recorded against the claim, and a folder another claim recorded is refused.
 * A name that is taken falls back to the name with the application's reference, which is unique.
 * The claim time plays no part: it is the email's arrival, so it said nothing about who made a
 * folder while the queue was backed up.
 */
export async function provisionOwnFolder(
  initial: ApplicationClaim,
  reference: string,
  plan: (folderName: string) => FolderPlan,
  deps: FolderOwnershipDependencies,
): Promise<{ claim: ApplicationClaim; folder: ProvisionedFolder }> {
  let claim = await ownFolderName(initial, reference, deps);
  const folderName = claim.progress.folderName as string;
  const folder = await deps.evidence.provision(plan(folderName));
  if ((await deps.claims.recordFolder(claim, folder.folderId)) === 'taken') {
    throw new FolderOwnershipConflict(`The folder '${folderName}' (${folder.folderId}) is recorded for another application; it was not adopted.`);
  }
  // A refused share does not stop the application: it opens with access pending (staff told, a job retries).
  if (folder.sharing.kind === 'refused') logger().warn({ reason: folder.sharing.reason, to: claim.requesterAddress }, 'the folder could not be shared: access pending');
  claim = await deps.claims.checkpoint(claim, { folderName: folder.folderName, folderId: folder.folderId, folderUrl: folder.folderUrl, formItemId: folder.formItemId, formUrl: folder.formUrl, ...accessProgress(folder.sharing) });
  return { claim, folder };
}

async function ownFolderName(initial: ApplicationClaim, reference: string, deps: FolderOwnershipDependencies): Promise<ApplicationClaim> {
  let claim = initial;
  if (claim.progress.folderName && claim.progress.folderNameFree) return claim;
  const candidates = [
    claim.progress.folderName ?? organisationFolderName(claim.organisationName, claim.odsCode, { reference }),
    organisationFolderName(claim.organisationName, claim.odsCode, { reference, alwaysWithReference: true }),
  ];
  for (const name of new Set(candidates)) {
    if ((await deps.claims.reserveFolderName(claim, name)) === 'taken') {
      logger().info({ folderName: name }, 'folder name held by another application: using one with the reference');
      continue;
    }
    // Nothing of ours exists yet: folders are only made after the name is checkpointed as free.
    if (await deps.evidence.exists(name)) {
      logger().warn({ folderName: name }, 'something already has this folder name: using one with the reference');
      continue;
    }
    claim = await deps.claims.checkpoint(claim, { folderName: name, folderNameFree: true });
    return claim;
  }
  throw new FolderOwnershipConflict(`No folder name of this application's own is free (tried ${candidates.map((name) => `'${name}'`).join(', ')}).`);
}
