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
    WEQS_CLIENT_ID: z.uuid({ error: 'must be the app registration (client) id, a GUID' }),
    /** managed-identity in Azure; client-certificate where no managed identity exists (and locally). */
    WEQS_GRAPH_CREDENTIAL: z.enum(['managed-identity', 'client-certificate']),
    WEQS_CLIENT_CERTIFICATE_PATH: z.string().min(1).optional(),
    WEQS_MANAGED_IDENTITY_CLIENT_ID: z.uuid().optional(),
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
    WEQS_SWEEP_GRACE_SECONDS: positiveInteger(0, 3600).default(60),
    /** How long one worker holds an email before another may take it over (after a crash). */
    WEQS_PROCESSING_LEASE_SECONDS: positiveInteger(5, 3600).default(300),
    /** Staff wording for replies while no review cycle is published; a sensible default otherwise. */
    WEQS_REVIEWS_PAUSED_MESSAGE: z.string().min(10).max(1000).optional(),
    WEQS_REFERENCE_PREFIX: z.string().regex(/^[A-Z]{2,8}$/, 'must be 2-8 capital letters').default('WEQS'),
    WEQS_LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
    AzureWebJobsStorage: z.string().min(1).optional(),
    AzureWebJobsStorage__accountName: z.string().min(3).optional(),
  })
  .superRefine((settings, context) => {
    if (settings.WEQS_GRAPH_CREDENTIAL === 'client-certificate' && !settings.WEQS_CLIENT_CERTIFICATE_PATH) {
      context.addIssue({ code: 'custom', path: ['WEQS_CLIENT_CERTIFICATE_PATH'], message: 'is required when WEQS_GRAPH_CREDENTIAL is client-certificate' });
    }
    if (settings.WEQS_SEND_RATE_PER_MINUTE >= settings.WEQS_MAILBOX_SEND_LIMIT_PER_MINUTE) {
      context.addIssue({ code: 'custom', path: ['WEQS_SEND_RATE_PER_MINUTE'], message: `must be below the mailbox's sending limit (WEQS_MAILBOX_SEND_LIMIT_PER_MINUTE, ${settings.WEQS_MAILBOX_SEND_LIMIT_PER_MINUTE} a minute)` });
    }
    // (Judged only on a well-formed tenant id, so a typo there is reported once.)
    if (settings.WEQS_SUBSCRIPTION_CLIENT_STATE === developmentClientState && z.uuid().safeParse(settings.WEQS_TENANT_ID).success && (settings.WEQS_TENANT_ID !== embeddedTenantId || !loopbackHost.test(new URL(settings.WEQS_GRAPH_BASE_URL).hostname))) {
      context.addIssue({ code: 'custom', path: ['WEQS_SUBSCRIPTION_CLIENT_STATE'], message: 'is the published development value, which only the embedded tenant on this machine may use: set a random secret (Key Vault reference)' });
    }
    if (!settings.AzureWebJobsStorage && !settings.AzureWebJobsStorage__accountName) {
      context.addIssue({ code: 'custom', path: ['AzureWebJobsStorage'], message: 'is required (a connection string, or AzureWebJobsStorage__accountName for a managed identity)' });
    }
  });

export type Settings = z.infer<typeof settingsSchema>;

export interface Config {
  tenantId: string;
  clientId: string;
  credential:
    | { kind: 'managed-identity'; clientId?: string }
    | { kind: 'client-certificate'; certificatePath: string; authorityHost: string; instanceDiscovery: boolean };
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
  sweepGraceMs: number;
  reviewsPausedMessage?: string;
  referencePrefix: string;
  logLevel: Settings['WEQS_LOG_LEVEL'];
  storage: { connectionString: string } | { accountName: string };
}

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
    clientId: s.WEQS_CLIENT_ID,
    credential:
      s.WEQS_GRAPH_CREDENTIAL === 'managed-identity'
        ? { kind: 'managed-identity', ...(s.WEQS_MANAGED_IDENTITY_CLIENT_ID ? { clientId: s.WEQS_MANAGED_IDENTITY_CLIENT_ID } : {}) }
        : {
            kind: 'client-certificate',
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
    sweepGraceMs: s.WEQS_SWEEP_GRACE_SECONDS * 1000,
    ...(s.WEQS_REVIEWS_PAUSED_MESSAGE ? { reviewsPausedMessage: s.WEQS_REVIEWS_PAUSED_MESSAGE } : {}),
    referencePrefix: s.WEQS_REFERENCE_PREFIX,
    logLevel: s.WEQS_LOG_LEVEL,
    storage: s.AzureWebJobsStorage ? { connectionString: s.AzureWebJobsStorage } : { accountName: s.AzureWebJobsStorage__accountName as string },
  };
}
