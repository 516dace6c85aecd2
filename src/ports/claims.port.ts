/** What the provisioning saga has done so far for an organisation's application (its checkpoint). */
export interface ProvisioningProgress {
  reference?: string;
  folderName?: string;
  /** The folder name is reserved for this application and no folder had it when reserved. */
  folderNameFree?: boolean;
  folderId?: string;
  folderUrl?: string;
  formItemId?: string;
  formUrl?: string;
  shared?: boolean;
  /** The applicant's permission on the folder, as the invite returned it: access changes use it. */
  permissionId?: string;
  /** Sharing was refused (a new guest, or a failure): the access job retries, staff were told. */
  accessPending?: boolean;
  /** Graph's answer when sharing was refused, for the staff card. */
  accessPendingReason?: string;
  listItemId?: string;
  listItemUrl?: string;
  cardPosted?: boolean;
}

export interface NewClaim {
  organisationKey: string;
  organisationName: string;
  odsCode?: string;
  /** Digest of the email's internetMessageId: a retry of the same email resumes its own claim. */
  sourceMessageKey: string;
  requesterAddress: string;
  requesterName?: string;
  receivedAt: string;
}

/**
 * provisioning → open → (awarded | not-awarded | withdrawn) → expired (awards only). While it is
 * provisioning or open, the organisation has an open application; afterwards the re-application
 * rules of `reapplicationAllowed` decide whether a new request may take the claim over.
 * provisioning → failed: the saga gave up (staff have a card; a replay of the email resumes it),
 * and the organisation is not blocked meanwhile: another request may take the claim over.
 */
export type ClaimState = 'provisioning' | 'open' | 'awarded' | 'not-awarded' | 'withdrawn' | 'expired' | 'failed';

export interface ClaimAward {
  level: 'bronze' | 'silver' | 'gold';
  /** Last UK day the award is current. */
  expiresOn: string;
}

export interface ApplicationClaim extends NewClaim {
  state: ClaimState;
  progress: ProvisioningProgress;
  award?: ClaimAward;
  claimedAt: string;
  etag: string;
}

export type ClaimResult =
  | { kind: 'claimed'; claim: ApplicationClaim }
  /** The same email claimed it before (a retry or a duplicate notification): carry on from its checkpoint. */
  | { kind: 'resumed'; claim: ApplicationClaim }
  /** Another email holds the organisation: one application per organisation. */
  | { kind: 'held-by-other'; claim: ApplicationClaim };

export interface ClaimsPort {
  claim(request: NewClaim, now: Date): Promise<ClaimResult>;
  /**
   * Takes over a finished claim for a new application, only if nobody changed it since it was
   * read (its eTag): two requests racing to re-apply still make one application.
   */
  takeOver(previous: ApplicationClaim, request: NewClaim, now: Date): Promise<ApplicationClaim | undefined>;
  /** Records how the organisation's current application ended. */
  conclude(organisationKey: string, reference: string, state: Exclude<ClaimState, 'provisioning' | 'open'>, award?: ClaimAward): Promise<void>;
  /** Records progress; only the email holding the claim writes it. */
  checkpoint(claim: ApplicationClaim, progress: ProvisioningProgress, state?: ApplicationClaim['state']): Promise<ApplicationClaim>;
  get(organisationKey: string): Promise<ApplicationClaim | undefined>;
  /**
   * Reserves an evidence folder name for this application (SharePoint compares names without
   * regard to case, so the reservation does too): 'taken' when another application holds it.
   */
  reserveFolderName(claim: ApplicationClaim, folderName: string): Promise<'reserved' | 'taken'>;
  /**
   * Records that this application's folder is the one with this id: 'taken' when another
   * application recorded that folder first, which must then never be adopted.
   */
  recordFolder(claim: ApplicationClaim, folderId: string): Promise<'recorded' | 'taken'>;
  /** The saga of the claim this email holds gave up: 'failed', unless the claim moved on meanwhile. */
  markFailed(organisationKey: string, sourceMessageKey: string): Promise<void>;
}

/** Identifies one application's claim: an organisation may apply again later under the same key. */
export function claimIdentity(claim: Pick<ApplicationClaim, 'organisationKey' | 'sourceMessageKey'>): string {
  return `${claim.organisationKey}\n${claim.sourceMessageKey}`;
}
