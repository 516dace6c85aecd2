/** What the provisioning saga has done so far for an organisation's application (its checkpoint). */
export interface ProvisioningProgress {
  reference?: string;
  folderName?: string;
  folderId?: string;
  folderUrl?: string;
  formItemId?: string;
  formUrl?: string;
  shared?: boolean;
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

export interface ApplicationClaim extends NewClaim {
  state: 'provisioning' | 'open';
  progress: ProvisioningProgress;
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
  /** Records progress; only the email holding the claim writes it. */
  checkpoint(claim: ApplicationClaim, progress: ProvisioningProgress, state?: ApplicationClaim['state']): Promise<ApplicationClaim>;
  get(organisationKey: string): Promise<ApplicationClaim | undefined>;
}
