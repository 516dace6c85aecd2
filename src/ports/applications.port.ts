import type { Application, ApplicationRecord, ApplicationStatus, NewApplication } from '../domain/application.js';

/** What a sent decision leaves on the application. */
export interface RecordedDecision {
  sentAt: Date;
  /** The last UK day (YYYY-MM-DD) the award is current; none for "not awarded". */
  awardExpiresOn?: string | undefined;
}

/** Where applications are registered for staff (the Applications list). */
export interface ApplicationsPort {
  /**
   * Why the register would refuse this application as it stands (a value too long for its column,
   * a control character), or undefined when it would take it. Checked before anything is created,
   * so a value the register refuses can never leave a folder shared and no entry.
   */
  refusalOf(application: NewApplication): string | undefined;
  /** Registers the application once: a retry gets the entry an earlier attempt made. */
  createOnce(application: NewApplication): Promise<{ id: string; webUrl: string }>;
  findByReference(reference: string): Promise<Application | undefined>;
  /** Turns deadline reminders off (or back on) for the application. */
  setRemindersOff(application: Application, off: boolean): Promise<void>;
}

/**
 * The register as the review jobs use it. Entries staff have broken (an unknown status, no
 * reference) are never returned, so one bad row does not stop a job.
 */
export interface ReviewRegisterPort {
  /** Applications in any of these states. */
  withStatus(...statuses: [ApplicationStatus, ...ApplicationStatus[]]): Promise<ApplicationRecord[]>;
  /** Applications in any of these states that target the cycle. */
  targeting(cycleId: string, statuses: readonly [ApplicationStatus, ...ApplicationStatus[]]): Promise<ApplicationRecord[]>;
  /** Applications whose folder is still to be shared with the applicant. */
  withFolderAccessPending(): Promise<ApplicationRecord[]>;
  setStatus(application: ApplicationRecord, status: ApplicationStatus): Promise<void>;
  /** Points the application at a cycle; undefined leaves it waiting for staff to publish one. */
  setTargetCycle(application: ApplicationRecord, cycleId: string | undefined): Promise<void>;
  /** The applicant can reach the folder now. */
  recordFolderAccessGranted(application: ApplicationRecord): Promise<void>;
  /** The decision went: the application is decided, with when it went and when an award expires. */
  recordDecision(application: ApplicationRecord, decision: RecordedDecision): Promise<void>;
}
