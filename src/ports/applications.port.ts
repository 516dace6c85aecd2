import type { Application, NewApplication } from '../domain/application.js';

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
