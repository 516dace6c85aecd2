import type { CriteriaCatalogue } from '../../domain/criteria-catalogue.js';
import type { ParsedReviewCalendar } from '../../domain/review-calendar-rows.js';
import type { ReviewRegisterPort } from '../../ports/applications.port.js';
import type { ClaimsPort } from '../../ports/claims.port.js';
import type { ApplicationFolderPort, FolderAccessPort } from '../../ports/evidence-folders.port.js';
import type { DatedOutgoingMailPort } from '../../ports/outgoing-mail.port.js';
import type { StaffNotifier } from '../../ports/staff-notifier.port.js';

/** What the review-calendar jobs work with; built once per process in src/runtime.ts. */
export interface ReviewDependencies {
  calendar: () => Promise<ParsedReviewCalendar>;
  applications: ReviewRegisterPort;
  claims: ClaimsPort;
  folders: ApplicationFolderPort;
  /** Sharing by permission id, and granting access that is still pending. */
  access: FolderAccessPort;
  outgoing: DatedOutgoingMailPort;
  staff: StaffNotifier;
  /** Small values kept between runs: the review calendar's dates as last seen, to notice staff moving them. */
  state: { get(name: string): Promise<string | undefined>; set(name: string, value: string): Promise<void> };
  /** Whether a one-off action (email, card) was already done, and recording it after doing it. */
  intents: {
    done(intent: string): Promise<boolean>;
    once(intent: string, action: () => Promise<void>): Promise<void>;
    /** Like `once` for runs that may overlap: only the claimant that records the intent first does it (lost, not repeated, if it crashes). */
    onceAmong(intent: string, claimant: string, action: () => Promise<void>): Promise<void>;
  };
  /** The loaded criteria catalogue, or the six-section stand-in that points to the framework document. */
  catalogue: () => Promise<CriteriaCatalogue>;
  settings: {
    inboxAddress: string;
    listUrl: () => Promise<string>;
    calendarUrl: () => Promise<string>;
    reviewsPausedMessage?: string;
    /** Readiness rules staff switched on beyond the published ones (default none). */
    extraRules?: { documentInEverySection?: boolean };
    /** Who awards the standard (WEQS_AWARDING_BODY). */
    awardingBody?: string;
    /** Where awarded organisations get the digital logo (WEQS_DIGITAL_LOGO_URL). */
    digitalLogoUrl?: string;
    deadlineReminderOffsets: readonly number[];
    expiryReminderOffsets: readonly number[];
  };
}

/** What a job did or, in a dry run, would do: one line each, for people. */
export interface JobAction {
  job: string;
  reference?: string;
  organisation?: string;
  to?: string;
  action: string;
  /** Further lines for people, e.g. the readiness summary a reminder would carry. */
  details?: string[];
}

export interface JobOptions {
  /** The moment the job acts as of: the real time, or a chosen date for a preview. */
  now: Date;
  /** Plan only: nothing is sent, changed or recorded. */
  dryRun: boolean;
}
