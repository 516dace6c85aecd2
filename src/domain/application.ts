/**
 * An organisation's application as the workflows see it, whatever register holds it (the staff
 * Applications list in SharePoint today). Names say what a value means, not where it is stored.
 */
export interface Application {
  /** The register's own handle for the entry: pass it back, never interpret it. */
  id: string;
  reference: string;
  organisationKey: string;
  organisationName: string;
  odsCode?: string | undefined;
  requesterAddress: string;
  requesterName?: string | undefined;
  /** The requester asked for no more reminders ("STOP REMINDERS"). */
  remindersOff: boolean;
}

/** Whether the applicant can reach their folder yet, or the access job still has to share it. */
export type FolderAccessState = 'granted' | 'pending';

/** A new application, as the request saga opens it. */
export interface NewApplication {
  reference: string;
  organisationKey: string;
  organisationName: string;
  odsCode?: string | undefined;
  /** The review cycle it is expected to be submitted for, from the staff-owned calendar. */
  targetCycleId?: string | undefined;
  requesterAddress: string;
  requesterName?: string | undefined;
  folderUrl: string;
  formUrl: string;
  receivedAt: string;
  /** The internetMessageId of the request that opened it. */
  sourceMessageId: string;
  folderAccess?: FolderAccessState | undefined;
}

/** Where an application stands, in the words staff choose in the register (lower case). */
export type ApplicationStatus = 'open' | 'in review' | 'information requested' | 'decided' | 'withdrawn' | 'expired';

/** The outcome staff chose for an application under review. */
export type AwardDecision = 'gold' | 'silver' | 'bronze' | 'not-awarded';

/**
 * An application with what the review jobs read from the register: where it stands, the cycle it
 * targets, and what staff recorded during its review. Staff edit these, so any of them may be
 * missing; dates are as the register holds them (ISO 8601).
 */
export interface ApplicationRecord extends Application {
  status: ApplicationStatus;
  targetCycleId?: string | undefined;
  folderUrl?: string | undefined;
  formUrl?: string | undefined;
  receivedAt?: string | undefined;
  /** The internetMessageId of the request that opened it: emails to the applicant thread under it. */
  sourceMessageId?: string | undefined;
  award?: AwardDecision | undefined;
  decisionNotes?: string | undefined;
  /** Staff ticked "Decision ready". */
  decisionReady: boolean;
  decisionSentOn?: string | undefined;
  awardExpiresOn?: string | undefined;
  informationRequest?: string | undefined;
  informationDueOn?: string | undefined;
  folderAccess?: FolderAccessState | undefined;
}
