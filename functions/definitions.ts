import type { HttpHandler, StorageQueueHandler, TimerHandler } from '@azure/functions';
import { queueNames } from '../src/storage/queue-names.js';
import { lazyHandler } from './lazy-handler.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** NCRONTAB with seconds: `{second} {minute} {hour} {day} {month} {day-of-week}`, in UTC. */
export type NcrontabSchedule = string;

export type HttpTrigger = { type: 'http'; route: string; methods: HttpMethod[]; authLevel: 'anonymous' | 'function' };
export type QueueTrigger = { type: 'queue'; queueName: string; connection: 'AzureWebJobsStorage' };
export type TimerTrigger = { type: 'timer'; schedule: NcrontabSchedule };

export type FunctionDefinition =
  | { name: string; trigger: HttpTrigger; handler: HttpHandler }
  | { name: string; trigger: QueueTrigger; handler: StorageQueueHandler }
  | { name: string; trigger: TimerTrigger; handler: TimerHandler };

/** A table entry whose handler's module is imported on first invocation; `load` gives the handler itself. */
export type ManifestEntry =
  | { name: string; trigger: HttpTrigger; handler: HttpHandler; load: () => Promise<HttpHandler> }
  | { name: string; trigger: QueueTrigger; handler: StorageQueueHandler; load: () => Promise<StorageQueueHandler> }
  | { name: string; trigger: TimerTrigger; handler: TimerHandler; load: () => Promise<TimerHandler> };

function http(name: string, trigger: Omit<HttpTrigger, 'type'>, load: () => Promise<HttpHandler>): ManifestEntry {
  return { name, trigger: { type: 'http', ...trigger }, handler: lazyHandler(load), load };
}

function queue(name: string, queueName: string, load: () => Promise<StorageQueueHandler>): ManifestEntry {
  return { name, trigger: { type: 'queue', queueName, connection: 'AzureWebJobsStorage' }, handler: lazyHandler(load), load };
}

function timer(name: string, schedule: NcrontabSchedule, load: () => Promise<TimerHandler>): ManifestEntry {
  return { name, trigger: { type: 'timer', schedule }, handler: lazyHandler(load), load };
}

/**
 * The single table of weqs's functions, and the function app's manifest: names, triggers and
 * bindings only. Each handler's module (and the Graph client, docx, pdf-lib and storage SDKs
 * behind it) is imported on the function's first invocation, so starting the app loads this
 * table and @azure/functions and nothing else (docs/performance.md, "Cold start").
 * `functions/index.ts` registers it with @azure/functions in Azure; the local host
 * (dev/functions-host) runs the same table here.
 */
export const functionDefinitions: ManifestEntry[] = [
  // Graph posts here; clientState authenticates it (Graph cannot send a function key header).
  http('inboxNotifications', { route: 'notifications', methods: ['POST'], authLevel: 'anonymous' }, async () => (await import('./inbox-notifications.js')).inboxNotifications),
  http('subscriptionLifecycle', { route: 'lifecycle', methods: ['POST'], authLevel: 'anonymous' }, async () => (await import('./subscription-lifecycle.js')).subscriptionLifecycle),
  queue('processInboundMessage', queueNames.inboundMessages, async () => (await import('./process-inbound-message.js')).processInboundMessage),
  queue('handleSubscriptionEvent', queueNames.subscriptionEvents, async () => (await import('./handle-subscription-event.js')).handleSubscriptionEvent),
  timer('maintainSubscription', '0 7 */6 * * *', async () => (await import('./maintain-subscription.js')).maintainSubscription),
  // Every minute; the sweep itself runs every WEQS_SWEEP_MINUTES (more often without notifications).
  timer('sweepInbox', '30 * * * * *', async () => (await import('./sweep-inbox.js')).sweepInboxTimer),
  timer('sendReminders', '0 5 7-18 * * *', async () => (await import('./review-jobs.js')).sendRemindersTimer),
  timer('closeCycles', '0 10 * * * *', async () => (await import('./review-jobs.js')).closeCyclesTimer),
  timer('staffEdits', '15 */5 * * * *', async () => (await import('./review-jobs.js')).staffEditsTimer),
  timer('awardLifecycle', '0 20 6 * * *', async () => (await import('./review-jobs.js')).awardLifecycleTimer),
  timer('weeklyDigest', '0 0 8 * * 1', async () => (await import('./review-jobs.js')).weeklyDigestTimer),
  timer('folderAccess', '45 */10 * * * *', async () => (await import('./review-jobs.js')).folderAccessTimer),
];
