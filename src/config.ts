import { z } from 'zod';
import type { ReplyLimits } from './domain/reply-limits.js';

/**
 * Every setting weqs reads, in one schema. Names are app settings (environment variables) so the
 * same names work in Azure, in local.settings.json and in tests. A missing or malformed setting
 * stops start-up with a message naming it.
 */
const httpsUrl = z.url({ protocol: /^https$/, error: 'must be an https:// URL' });
const booleanSetting = z.enum(['true', 'false']).transform((value) => value === 'true');
const positiveInteger = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
/** Notifications normally arrive within seconds; a minute covers Graph's delivery retries. */
export const defaultSweepGraceSeconds = 60;
/**
 * Production waits. Tests and `npm run chaos` set shorter ones (with an emulator that files Sent
 * Items copies sooner than the settle time), never the invariants.
 */
export const defaultTimings = { sentItemsSettleSeconds: 60, deferBusySeconds: 15, deferSendUnknownSeconds: 30, deferSendRateSeconds: 60 } as const;

const dayList = z
  .string()
  .regex(/^\s*\d{1,3}(\s*,\s*\d{1,3})*\s*$/, 'must be whole numbers of days separated by commas, e.g. 28,14,7,1')
  .transform((value) => [...new Set(value.split(',').map((day) => Number(day.trim())))].sort((a, b) => b - a));

/**
 * The clientState committed in local.settings.example.json and the embedded tenant it is for.
 * Anyone can read it, so anywhere else it would let anyone post notifications weqs believes.
 */
export const developmentClientState = 'local-development-only-client-state-4f1c9e2a';
export const embeddedTenantId = '5c2e8a41-7d3b-4f6e-9a10-2b8c4d6e8f01';
const loopbackHost = /^(127\.0\.0\.1|localhost|\[::1\])$/;

export const settingsSchema = z
  .object({
    WEQS_TENANT_ID: z.uuid({ error: 'must be the directory (tenant) id, a GUID' }),
    /** The app registration's client id; only the client-certificate credential uses it. */
    WEQS_CLIENT_ID: z.uuid({ error: 'must be the app registration (client) id, a GUID' }).optional(),
    /** managed-identity in Azure; client-certificate where no managed identity exists (and locally). */
    WEQS_GRAPH_CREDENTIAL: z.enum(['managed-identity', 'client-certificate']),
    WEQS_CLIENT_CERTIFICATE_PATH: z.string().min(1).optional(),
    /** The user-assigned managed identity's client id; without it only a system-assigned identity can be used. */
    WEQS_MANAGED_IDENTITY_CLIENT_ID: z.uuid({ error: "must be the user-assigned managed identity's client id, a GUID" }).optional(),
    WEQS_AUTHORITY_HOST: httpsUrl.default('https://login.microsoftonline.com'),
    /** Instance discovery asks Microsoft's well-known host about the authority; off for private authorities. */
    WEQS_AUTHORITY_INSTANCE_DISCOVERY: booleanSetting.default(true),
    WEQS_GRAPH_BASE_URL: httpsUrl.default('https://graph.microsoft.com'),
    WEQS_GRAPH_TIMEOUT_MS: positiveInteger(1000, 300_000).default(30_000),
    WEQS_INBOX_ADDRESS: z.email({ error: 'must be the work experience inbox address' }),
    WEQS_SITE_HOSTNAME: z.string().regex(/^[a-z0-9.-]+$/i, 'must be a host name such as contoso.sharepoint.com'),
    WEQS_SITE_PATH: z.string().regex(/^\/sites\/[A-Za-z0-9_-]+$/, 'must look like /sites/WorkExperience'),
    WEQS_EVIDENCE_LIBRARY: z.string().min(1).default('Application evidence'),
    WEQS_APPLICATIONS_LIST: z.string().min(1).default('Applications'),
    WEQS_CALENDAR_LIST: z.string().min(1).default('Review calendar'),
    /** How long a read of the calendar list is reused; staff edits show within this time. */
    WEQS_CALENDAR_CACHE_SECONDS: positiveInteger(0, 3600).default(300),
    /** Days before a submission deadline that reminders go out, e.g. 28,14,7,1. */
    WEQS_DEADLINE_REMINDER_DAYS: dayList.default([28, 14, 7, 1]),
    /** Days before an award expires that renewal reminders go out. */
    WEQS_EXPIRY_REMINDER_DAYS: dayList.default([90, 30]),
    WEQS_TEAMS_WEBHOOK_URL: httpsUrl,
    WEQS_NOTIFICATION_URL: httpsUrl.or(z.url({ protocol: /^http$/, hostname: /^(127\.0\.0\.1|localhost)$/ })),
    WEQS_LIFECYCLE_NOTIFICATION_URL: httpsUrl.or(z.url({ protocol: /^http$/, hostname: /^(127\.0\.0\.1|localhost)$/ })),
    WEQS_SUBSCRIPTION_CLIENT_STATE: z.string().min(32, 'must be a random secret of at least 32 characters').max(128),
    /** The mailbox's sending limit: Exchange Online allows 30 messages a minute. */
    WEQS_MAILBOX_SEND_LIMIT_PER_MINUTE: positiveInteger(1, 100_000).default(30),
    /** weqs's own cap for all instances together; it must stay below the mailbox's limit. */
    WEQS_SEND_RATE_PER_MINUTE: positiveInteger(1, 100_000).default(25),
    /** Replies one address may receive per address window; repeats of one request get one reply. */
    WEQS_REPLY_LIMIT_PER_ADDRESS: positiveInteger(1, 1000).default(3),
    WEQS_REPLY_ADDRESS_WINDOW_HOURS: positiveInteger(1, 24 * 30).default(24),
    /** Replies all addresses of one domain may receive per domain window (nhs.net is shared by many organisations). */
    WEQS_REPLY_LIMIT_PER_DOMAIN: positiveInteger(1, 100_000).default(100),
    WEQS_REPLY_DOMAIN_WINDOW_MINUTES: positiveInteger(1, 24 * 60).default(60),
    /** Outlook allows 4 concurrent requests per app and mailbox. */
    WEQS_MAILBOX_CONCURRENCY: positiveInteger(1, 4).default(4),
    /** The inbox sweep leaves messages younger than this to the webhook. */
    WEQS_SWEEP_GRACE_SECONDS: positiveInteger(0, 3600).default(defaultSweepGraceSeconds),
    /** Minutes between inbox sweeps while change notifications arrive. */
    WEQS_SWEEP_MINUTES: positiveInteger(1, 60).default(5),
    /** Minutes between inbox sweeps while Graph refuses the inbox subscription (the sweep is then the only way in). */
    WEQS_SWEEP_MINUTES_WITHOUT_NOTIFICATIONS: positiveInteger(1, 60).default(1),
    /** How long one worker holds an email before another may take it over (after a crash). */
    WEQS_PROCESSING_LEASE_SECONDS: positiveInteger(5, 3600).default(300),
    /**
     * How long Exchange may take to file a sent message in Sent Items: a send whose outcome is
     * unknown (a 5xx or dropped connection after the hand-over) is sent again only once its Sent
     * Items copy has had this long to appear. Shorter than Exchange really takes means duplicates.
     */
    WEQS_SENT_ITEMS_SETTLE_SECONDS: positiveInteger(1, 3600).default(defaultTimings.sentItemsSettleSeconds),
    /** How long an email is put off while another worker holds it. */
    WEQS_DEFER_BUSY_SECONDS: positiveInteger(1, 3600).default(defaultTimings.deferBusySeconds),
    /** How long an email is put off while its reply may have gone moments ago (checked again in Sent Items). */
    WEQS_DEFER_SEND_UNKNOWN_SECONDS: positiveInteger(1, 3600).default(defaultTimings.deferSendUnknownSeconds),
    /** How long an email is put off while the mailbox's sending rate is full. */
    WEQS_DEFER_SEND_RATE_SECONDS: positiveInteger(1, 3600).default(defaultTimings.deferSendRateSeconds),
    /** Staff wording for replies while no review cycle is published; a sensible default otherwise. */
    WEQS_REVIEWS_PAUSED_MESSAGE: z.string().min(10).max(1000).optional(),
    /**
     * The deployment is granted User.Invite.All and User.Read.All: weqs makes a new applicant a
     * guest of the tenant before sharing their folder. Off: staff do it (infra/README.md).
     */
    WEQS_CREATE_GUESTS: booleanSetting.default(false),
    /**
     * Off by default: the standard asks for a minimum number of documents across the whole
     * application, so an empty section is advice. Staff may make it a rule.
     */
    WEQS_REQUIRE_EVIDENCE_IN_EVERY_SECTION: booleanSetting.default(false),
    /** Who awards the standard, named on certificates and in emails. */
    WEQS_AWARDING_BODY: z.string().trim().min(2).max(100).default('NHS England'),
    /** Where awarded organisations download the digital logo; without it, emails say staff will send it. */
    WEQS_DIGITAL_LOGO_URL: httpsUrl.optional(),
    WEQS_REFERENCE_PREFIX: z.string().regex(/^[A-Z]{2,8}$/, 'must be 2-8 capital letters').default('WEQS'),
    WEQS_LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
    /**
     * Storage, as the Functions host reads it: a connection string (locally, Azurite), or the
     * identity-based settings `AzureWebJobsStorage__*`. weqs uses queues, tables and blobs, so with an
     * identity it needs the account name or all three service URIs.
     * https://learn.microsoft.com/azure/azure-functions/functions-reference#connecting-to-host-storage-with-an-identity
     */
    AzureWebJobsStorage: z.string().min(1).optional(),
    AzureWebJobsStorage__accountName: z.string().regex(/^[a-z0-9]{3,24}$/, 'must be a storage account name (3-24 lower-case letters and digits)').optional(),
    AzureWebJobsStorage__queueServiceUri: httpsUrl.optional(),
    AzureWebJobsStorage__tableServiceUri: httpsUrl.optional(),
    AzureWebJobsStorage__blobServiceUri: httpsUrl.optional(),
    AzureWebJobsStorage__credential: z.enum(['managedidentity'], { error: 'must be managedidentity (the only value weqs and the Functions host share)' }).optional(),
    AzureWebJobsStorage__clientId: z.uuid({ error: "must be the user-assigned managed identity's client id, a GUID" }).optional(),
  })
  .superRefine((settings, context) => {
    if (settings.WEQS_GRAPH_CREDENTIAL === 'client-certificate' && !settings.WEQS_CLIENT_CERTIFICATE_PATH) {
      context.addIssue({ code: 'custom', path: ['WEQS_CLIENT_CERTIFICATE_PATH'], message: 'is required when WEQS_GRAPH_CREDENTIAL is client-certificate' });
    }
    if (settings.WEQS_SEND_RATE_PER_MINUTE >= settings.WEQS_MAILBOX_SEND_LIMIT_PER_MINUTE) {
      context.addIssue({ code: 'custom', path: ['WEQS_SEND_RATE_PER_MINUTE'], message: `must be below the mailbox's sending limit (WEQS_MAILBOX_SEND_LIMIT_PER_MINUTE, ${settings.WEQS_MAILBOX_SEND_LIMIT_PER_MINUTE} a minute)` });
    }
    if (settings.WEQS_GRAPH_CREDENTIAL === 'client-certificate' && !settings.WEQS_CLIENT_ID) {
      context.addIssue({ code: 'custom', path: ['WEQS_CLIENT_ID'], message: 'is required when WEQS_GRAPH_CREDENTIAL is client-certificate' });
    }
    // (Judged only on a well-formed tenant id, so a typo there is reported once.)
    if (settings.WEQS_SUBSCRIPTION_CLIENT_STATE === developmentClientState && z.uuid().safeParse(settings.WEQS_TENANT_ID).success && (settings.WEQS_TENANT_ID !== embeddedTenantId || !loopbackHost.test(new URL(settings.WEQS_GRAPH_BASE_URL).hostname))) {
      context.addIssue({ code: 'custom', path: ['WEQS_SUBSCRIPTION_CLIENT_STATE'], message: 'is the published development value, which only the embedded tenant on this machine may use: set a random secret (Key Vault reference)' });
    }
    for (const problem of storageProblems(settings)) context.addIssue({ code: 'custom', ...problem });
  });

const serviceUriSettings = ['AzureWebJobsStorage__queueServiceUri', 'AzureWebJobsStorage__tableServiceUri', 'AzureWebJobsStorage__blobServiceUri'] as const;

type StorageSettingName = 'AzureWebJobsStorage' | 'AzureWebJobsStorage__accountName' | (typeof serviceUriSettings)[number] | 'AzureWebJobsStorage__credential' | 'AzureWebJobsStorage__clientId' | 'WEQS_MANAGED_IDENTITY_CLIENT_ID';
type StorageSettings = Partial<Record<StorageSettingName, string | undefined>> & { WEQS_GRAPH_CREDENTIAL: string };

/**
 * One way to reach storage, and the same identity as Graph: weqs builds one credential for both,
 * so an `AzureWebJobsStorage__clientId` naming another identity would leave the host's triggers and
 * weqs's own storage calls running as different principals.
 */
function storageProblems(settings: StorageSettings): { path: string[]; message: string }[] {
  const problems: { path: string[]; message: string }[] = [];
  const identityBased = Boolean(settings.AzureWebJobsStorage__accountName) || serviceUriSettings.some((name) => settings[name]);
  if (settings.AzureWebJobsStorage && identityBased) {
    problems.push({ path: ['AzureWebJobsStorage'], message: 'and AzureWebJobsStorage__* are both set: use a connection string or an identity, not both' });
  } else if (!settings.AzureWebJobsStorage && !identityBased) {
    problems.push({ path: ['AzureWebJobsStorage'], message: 'is required (a connection string, or AzureWebJobsStorage__accountName for a managed identity)' });
  }
  if (identityBased && !settings.AzureWebJobsStorage__accountName) {
    for (const name of serviceUriSettings.filter((uri) => !settings[uri])) {
      problems.push({ path: [name], message: 'is required when the service URIs are used instead of AzureWebJobsStorage__accountName (weqs uses queues, tables and blobs)' });
    }
  }
  const storageClient = settings.AzureWebJobsStorage__clientId;
  if (storageClient && settings.WEQS_GRAPH_CREDENTIAL === 'managed-identity' && storageClient !== settings.WEQS_MANAGED_IDENTITY_CLIENT_ID) {
    problems.push({ path: ['AzureWebJobsStorage__clientId'], message: 'must be the same identity as WEQS_MANAGED_IDENTITY_CLIENT_ID: storage and Graph use one managed identity' });
  }
  if (storageClient && settings.AzureWebJobsStorage__credential !== 'managedidentity') {
    problems.push({ path: ['AzureWebJobsStorage__credential'], message: 'must be managedidentity when AzureWebJobsStorage__clientId is set (the Functions host reads the client id only then)' });
  }
  // A user-assigned identity: the host must be told which one, or its triggers use no identity at all.
  if (identityBased && settings.WEQS_GRAPH_CREDENTIAL === 'managed-identity' && settings.WEQS_MANAGED_IDENTITY_CLIENT_ID && !storageClient) {
    problems.push({ path: ['AzureWebJobsStorage__clientId'], message: 'is required with a user-assigned identity: set it to WEQS_MANAGED_IDENTITY_CLIENT_ID (and AzureWebJobsStorage__credential to managedidentity) so the Functions host uses the same identity' });
  }
  return problems;
}

export type Settings = z.infer<typeof settingsSchema>;

export interface Config {
  tenantId: string;
  credential:
    | { kind: 'managed-identity'; clientId?: string }
    | { kind: 'client-certificate'; clientId: string; certificatePath: string; authorityHost: string; instanceDiscovery: boolean };
  graph: { baseUrl: string; timeoutMs: number; mailboxConcurrency: number };
  inboxAddress: string;
  site: { hostname: string; path: string; evidenceLibrary: string; applicationsList: string; calendarList: string };
  reminders: { deadlineDays: number[]; expiryDays: number[] };
  calendarCacheMs: number;
  teamsWebhookUrl: string;
  subscription: { notificationUrl: string; lifecycleNotificationUrl: string; clientState: string };
  replyLimits: ReplyLimits;
  sendRatePerMinute: number;
  processingLeaseMs: number;
  sentItemsSettleMs: number;
  /** How long an email is put off (queued again with a delay) rather than failed, by reason. */
  deferSeconds: DeferSeconds;
  sweepGraceMs: number;
  sweepCadence: { everyMinutes: number; withoutNotificationsEveryMinutes: number };
  reviewsPausedMessage?: string;
  createGuests: boolean;
  /** Readiness rules staff switched on beyond the published ones. */
  extraRules: { documentInEverySection: boolean };
  awardingBody: string;
  digitalLogoUrl?: string;
  referencePrefix: string;
  logLevel: Settings['WEQS_LOG_LEVEL'];
  storage: StorageTarget;
}

export interface DeferSeconds {
  busy: number;
  sendOutcomeUnknown: number;
  sendRateBusy: number;
}

/** A connection string (Azurite, or keys where an operator insists), or service URIs reached with the weqs credential. */
export type StorageTarget = { connectionString: string } | { serviceUris: { queue: string; table: string; blob: string } };

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`weqs cannot start: fix these settings.\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

/** Reads and validates the settings once; throws ConfigError naming each bad setting. */
export function loadConfig(environment: Record<string, string | undefined> = process.env): Config {
  const present = Object.fromEntries(Object.entries(environment).filter(([, value]) => value !== undefined && value !== ''));
  const result = settingsSchema.safeParse(present);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => {
        const name = String(issue.path[0] ?? '(settings)');
        return present[name] === undefined && issue.code === 'invalid_type' ? `${name} is missing` : `${name} ${issue.message}`;
      }),
    );
  }
  const s = result.data;
  return {
    tenantId: s.WEQS_TENANT_ID,
    credential:
      s.WEQS_GRAPH_CREDENTIAL === 'managed-identity'
        ? { kind: 'managed-identity', ...(s.WEQS_MANAGED_IDENTITY_CLIENT_ID ? { clientId: s.WEQS_MANAGED_IDENTITY_CLIENT_ID } : {}) }
        : {
            kind: 'client-certificate',
            clientId: s.WEQS_CLIENT_ID as string,
            certificatePath: s.WEQS_CLIENT_CERTIFICATE_PATH as string,
            authorityHost: s.WEQS_AUTHORITY_HOST,
            instanceDiscovery: s.WEQS_AUTHORITY_INSTANCE_DISCOVERY,
          },
    graph: { baseUrl: s.WEQS_GRAPH_BASE_URL, timeoutMs: s.WEQS_GRAPH_TIMEOUT_MS, mailboxConcurrency: s.WEQS_MAILBOX_CONCURRENCY },
    inboxAddress: s.WEQS_INBOX_ADDRESS,
    site: { hostname: s.WEQS_SITE_HOSTNAME, path: s.WEQS_SITE_PATH, evidenceLibrary: s.WEQS_EVIDENCE_LIBRARY, applicationsList: s.WEQS_APPLICATIONS_LIST, calendarList: s.WEQS_CALENDAR_LIST },
    reminders: { deadlineDays: s.WEQS_DEADLINE_REMINDER_DAYS, expiryDays: s.WEQS_EXPIRY_REMINDER_DAYS },
    calendarCacheMs: s.WEQS_CALENDAR_CACHE_SECONDS * 1000,
    teamsWebhookUrl: s.WEQS_TEAMS_WEBHOOK_URL,
    subscription: {
      notificationUrl: s.WEQS_NOTIFICATION_URL,
      lifecycleNotificationUrl: s.WEQS_LIFECYCLE_NOTIFICATION_URL,
      clientState: s.WEQS_SUBSCRIPTION_CLIENT_STATE,
    },
    sendRatePerMinute: s.WEQS_SEND_RATE_PER_MINUTE,
    replyLimits: {
      perAddress: s.WEQS_REPLY_LIMIT_PER_ADDRESS,
      addressWindowMs: s.WEQS_REPLY_ADDRESS_WINDOW_HOURS * 3_600_000,
      perDomain: s.WEQS_REPLY_LIMIT_PER_DOMAIN,
      domainWindowMs: s.WEQS_REPLY_DOMAIN_WINDOW_MINUTES * 60_000,
    },
    processingLeaseMs: s.WEQS_PROCESSING_LEASE_SECONDS * 1000,
    sentItemsSettleMs: s.WEQS_SENT_ITEMS_SETTLE_SECONDS * 1000,
    deferSeconds: { busy: s.WEQS_DEFER_BUSY_SECONDS, sendOutcomeUnknown: s.WEQS_DEFER_SEND_UNKNOWN_SECONDS, sendRateBusy: s.WEQS_DEFER_SEND_RATE_SECONDS },
    sweepGraceMs: s.WEQS_SWEEP_GRACE_SECONDS * 1000,
    sweepCadence: { everyMinutes: s.WEQS_SWEEP_MINUTES, withoutNotificationsEveryMinutes: s.WEQS_SWEEP_MINUTES_WITHOUT_NOTIFICATIONS },
    ...(s.WEQS_REVIEWS_PAUSED_MESSAGE ? { reviewsPausedMessage: s.WEQS_REVIEWS_PAUSED_MESSAGE } : {}),
    createGuests: s.WEQS_CREATE_GUESTS,
    extraRules: { documentInEverySection: s.WEQS_REQUIRE_EVIDENCE_IN_EVERY_SECTION },
    awardingBody: s.WEQS_AWARDING_BODY,
    ...(s.WEQS_DIGITAL_LOGO_URL ? { digitalLogoUrl: s.WEQS_DIGITAL_LOGO_URL } : {}),
    referencePrefix: s.WEQS_REFERENCE_PREFIX,
    logLevel: s.WEQS_LOG_LEVEL,
    storage: storageTarget(s),
  };
}

function storageTarget(s: Settings): StorageTarget {
  if (s.AzureWebJobsStorage) return { connectionString: s.AzureWebJobsStorage };
  const account = s.AzureWebJobsStorage__accountName;
  // The account name wins, as in the Functions host, which uses the service URIs only without it.
  const uri = (service: 'queue' | 'table' | 'blob', explicit: string | undefined): string => (account ? `https://${account}.${service}.core.windows.net` : (explicit as string));
  return {
    serviceUris: {
      queue: uri('queue', s.AzureWebJobsStorage__queueServiceUri),
      table: uri('table', s.AzureWebJobsStorage__tableServiceUri),
      blob: uri('blob', s.AzureWebJobsStorage__blobServiceUri),
    },
  };
}
