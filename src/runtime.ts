import { randomUUID } from 'node:crypto';
import type { Client } from '@microsoft/microsoft-graph-client';
import { loadConfig } from './config.js';
import type { Config } from './config.js';
import type { CatalogueStatus, CriteriaCatalogue } from './domain/criteria-catalogue.js';
import type { ReviewCalendar } from './domain/review-calendar.js';
import { ApplicationsList } from './graph/applications-list.js';
import { ApplicationsRegister } from './graph/applications-register.js';
import { EvidenceFolder } from './graph/evidence-folder.js';
import { EvidenceLibrary } from './graph/evidence-library.js';
import { FolderSharing } from './graph/folder-sharing.js';
import { GuestDirectory } from './graph/guest-directory.js';
import { ReviewCalendarList } from './graph/review-calendar-list.js';
import { createCredential, graphClientFromConfig } from './graph/graph-client.js';
import { GraphMailbox } from './graph/mailbox.js';
import { lazySiteContext } from './graph/site-context.js';
import type { SiteContext } from './graph/site-context.js';
import { rootLogger } from './logging.js';
import { OutgoingMail } from './mail/outgoing-mail.js';
import { blobServiceClient } from './storage/blobs.js';
import { CriteriaCatalogueStore } from './storage/criteria-catalogue-store.js';
import { InboundLedger } from './storage/inbound-ledger.js';
import { OrganisationClaimsTable } from './storage/organisation-claims.js';
import { OrganisationDirectoryStore } from './storage/organisation-directory-store.js';
import { queueNames, Queues, queueServiceClient } from './storage/queues.js';
import { ReferenceCounter } from './storage/reference-counter.js';
import { ReplyAllowance } from './storage/reply-allowance.js';
import { SendRateLimiter } from './storage/send-rate-limiter.js';
import { SentMailLedger } from './storage/sent-mail-ledger.js';
import { ServiceState } from './storage/service-state.js';
import { Tables } from './storage/tables.js';
import { TeamsWorkflowNotifier } from './teams/teams-notifier.js';
import type { FolderAccessDependencies } from './workflows/folder-access.js';
import type { InboundDependencies } from './workflows/handle-inbound-message.js';
import type { SweepDependencies } from './workflows/sweep-inbox.js';
import { CalendarSource } from './workflows/review/calendar-source.js';
import { GraphSubscriptions } from './graph/subscriptions.js';
import { OwnedSubscriptions } from './workflows/owned-subscriptions.js';
import type { ReviewDependencies } from './workflows/review/review-dependencies.js';

/** What the functions need, built once per process from the settings (the composition root). */
export interface Runtime {
  config: Config;
  graph: Client;
  queues: Queues;
  tables: Tables;
  site: () => Promise<SiteContext>;
  mailbox: GraphMailbox;
  ledger: InboundLedger;
  serviceState: ServiceState;
  /** Whether a change notification's subscription is this app's (remembered per process). */
  ownedSubscriptions: OwnedSubscriptions;
  directory: OrganisationDirectoryStore;
  /** The loaded criteria catalogue, or the six-section stand-in that points to the framework document. */
  catalogue: () => Promise<CriteriaCatalogue>;
  /** Where staff load the catalogue (`weqs catalogue load`). */
  catalogueStore: CriteriaCatalogueStore;
  /** Whether a published catalogue is loaded; `weqs doctor` warns while it is missing. */
  catalogueStatus: () => Promise<CatalogueStatus>;
  calendar: () => Promise<ReviewCalendar>;
  calendarList: ReviewCalendarList;
  /** The staff Applications list itself, for tools and tests that act as staff do. */
  applicationsList: ApplicationsList;
  inbound: InboundDependencies;
  sweep: SweepDependencies;
  review: ReviewDependencies;
}

let runtime: Runtime | undefined;

export function createRuntime(config: Config): Runtime {
  rootLogger.level = config.logLevel;
  // One identity for Graph and storage: a user-assigned managed identity needs its client id, which
  // DefaultAzureCredential would not know; the same credential also caches one token per resource.
  const credential = createCredential(config);
  const graph = graphClientFromConfig(config, credential);
  const tables = new Tables(config.storage, credential);
  const site = lazySiteContext(graph, config.site);
  const mailbox = new GraphMailbox(graph, config.inboxAddress);
  const ledger = new InboundLedger(tables, config.processingLeaseMs);
  const sentMail = new SentMailLedger(tables);
  const directory = new OrganisationDirectoryStore(blobServiceClient(config.storage, credential));
  const catalogueStore = new CriteriaCatalogueStore(blobServiceClient(config.storage, credential));
  const catalogue = (): Promise<CriteriaCatalogue> => catalogueStore.load();
  const calendarList = new ReviewCalendarList(graph, async () => (await site()).siteId, config.site.calendarList);
  const calendarSource = new CalendarSource(() => calendarList.rows(), config.calendarCacheMs);
  const calendar = async (): Promise<ReviewCalendar> => (await calendarSource.get()).cycles;
  const applicationsList = new ApplicationsList(graph, site);
  const applications = new ApplicationsRegister(applicationsList);
  const claims = new OrganisationClaimsTable(tables);
  const staff = new TeamsWorkflowNotifier(config.teamsWebhookUrl);
  const outgoing = new OutgoingMail(mailbox, sentMail, new SendRateLimiter(tables, config.inboxAddress, config.sendRatePerMinute), () => new Date(), config.sentItemsSettleMs);
  const listUrl = async (): Promise<string> => (await site()).listUrl;
  const queues = new Queues(queueServiceClient(config.storage, credential));
  const serviceState = new ServiceState(tables);
  // Guests are made only where the deployment is granted User.Invite.All and User.Read.All.
  const access: FolderAccessDependencies = { sharing: new FolderSharing(graph, site), ...(config.createGuests ? { guests: new GuestDirectory(graph, site) } : {}) };
  return {
    config,
    graph,
    queues,
    tables,
    site,
    mailbox,
    ledger,
    serviceState,
    ownedSubscriptions: new OwnedSubscriptions(new GraphSubscriptions(graph)),
    directory,
    catalogue,
    catalogueStore,
    catalogueStatus: () => catalogueStore.status(),
    calendar,
    calendarList,
    applicationsList,
    inbound: {
      mailbox,
      ledger,
      claims,
      directory: () => directory.load(),
      references: new ReferenceCounter(tables, config.referencePrefix),
      evidence: new EvidenceLibrary(graph, site),
      access,
      applications,
      outgoing,
      staff,
      replies: new ReplyAllowance(tables, config.replyLimits),
      once: (intent, action) => sentMail.once(intent, action, new Date()),
      onceAmong: (intent, claimant, action) => sentMail.onceAmong(intent, claimant, action, new Date()),
      catalogue,
      calendar,
      listUrl,
      settings: { inboxAddress: config.inboxAddress, referencePrefix: config.referencePrefix, deferSeconds: config.deferSeconds, ...(config.reviewsPausedMessage ? { reviewsPausedMessage: config.reviewsPausedMessage } : {}) },
      now: () => new Date(),
    },
    sweep: {
      mailbox,
      ledger,
      state: serviceState,
      enqueue: (reference) => queues.send(queueNames.inboundMessages, reference),
      now: () => new Date(),
      graceMs: config.sweepGraceMs,
    },
    review: {
      calendar: () => calendarSource.get(),
      applications,
      claims,
      folders: new EvidenceFolder(graph, site),
      access,
      outgoing,
      staff,
      state: serviceState,
      intents: {
        done: async (intent) => (await sentMail.get(intent))?.state === 'sent',
        once: (intent, action) => sentMail.once(intent, action, new Date()),
        onceAmong: (intent, claimant, action) => sentMail.onceAmong(intent, claimant, action, new Date()),
      },
      catalogue,
      settings: {
        inboxAddress: config.inboxAddress,
        listUrl,
        calendarUrl: () => calendarList.webUrl(),
        ...(config.reviewsPausedMessage ? { reviewsPausedMessage: config.reviewsPausedMessage } : {}),
        extraRules: config.extraRules,
        awardingBody: config.awardingBody,
        ...(config.digitalLogoUrl ? { digitalLogoUrl: config.digitalLogoUrl } : {}),
        deadlineReminderOffsets: config.reminders.deadlineDays,
        expiryReminderOffsets: config.reminders.expiryDays,
      },
    },
  };
}

export function getRuntime(): Runtime {
  runtime ??= createRuntime(loadConfig());
  return runtime;
}

/** A lease owner id unique to this attempt. */
export function attemptId(): string {
  return randomUUID();
}
