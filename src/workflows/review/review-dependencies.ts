import type { CriteriaCatalogue } from '../../domain/criteria-catalogue.js';
import type { ParsedReviewCalendar } from '../../domain/review-calendar-rows.js';
import type { ApplicationFields, ApplicationItem } from '../../graph/applications-list.js';
import type { EvidenceFolder } from '../../graph/evidence-folder.js';
import { anyOf, odata } from '../../graph/odata-filter.js';
import type { ODataFilter } from '../../graph/odata-filter.js';
import type { OutgoingMail } from '../../mail/outgoing-mail.js';
import type { ClaimsPort } from '../../ports/claims.port.js';
import type { StaffNotifier } from '../../teams/teams-notifier.js';
import type { FolderAccessDependencies } from '../folder-access.js';

/** What the review-calendar jobs work with; built once per process in src/runtime.ts. */
export interface ReviewDependencies {
  calendar: () => Promise<ParsedReviewCalendar>;
  applications: {
    query(filter: ODataFilter): Promise<ApplicationItem[]>;
    update(itemId: string, fields: Partial<Record<keyof ApplicationFields, string | boolean | null>>, etag?: string): Promise<void>;
  };
  claims: ClaimsPort;
  folders: Pick<EvidenceFolder, 'read' | 'setAccess' | 'upload'>;
  /** Sharing by permission id, and granting access that is still pending. */
  access: FolderAccessDependencies;
  outgoing: OutgoingMail;
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

/** The words staff use in OData filters on indexed columns only (https://learn.microsoft.com/troubleshoot/sharepoint/lists-and-libraries/items-exceeds-list-view-threshold). */
export function statusFilter(...statuses: [string, ...string[]]): ODataFilter {
  return anyOf(...statuses.map((status) => odata`fields/Status eq ${status}`));
}
