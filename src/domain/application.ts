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
