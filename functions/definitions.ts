import type { HttpHandler, StorageQueueHandler, TimerHandler } from '@azure/functions';
import { queueNames } from '../src/storage/queues.js';
import { handleSubscriptionEvent } from './handle-subscription-event.js';
import { inboxNotifications } from './inbox-notifications.js';
import { maintainSubscription } from './maintain-subscription.js';
import { processInboundMessage } from './process-inbound-message.js';
import { awardLifecycleTimer, closeCyclesTimer, folderAccessTimer, sendRemindersTimer, staffEditsTimer, weeklyDigestTimer } from './review-jobs.js';
import { subscriptionLifecycle } from './subscription-lifecycle.js';
import { sweepInboxTimer } from './sweep-inbox.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** NCRONTAB with seconds: `{second} {minute} {hour} {day} {month} {day-of-week}`, in UTC. */
export type NcrontabSchedule = string;

export type FunctionDefinition =
  | { name: string; trigger: { type: 'http'; route: string; methods: HttpMethod[]; authLevel: 'anonymous' | 'function' }; handler: HttpHandler }
  | { name: string; trigger: { type: 'queue'; queueName: string; connection: 'AzureWebJobsStorage' }; handler: StorageQueueHandler }
  | { name: string; trigger: { type: 'timer'; schedule: NcrontabSchedule }; handler: TimerHandler };

/**
 * The single table of weqs's functions. `functions/index.ts` registers it with @azure/functions
 * in Azure; the local host (dev/functions-host) runs the same table here.
 */
export const functionDefinitions: FunctionDefinition[] = [
  // Graph posts here; clientState authenticates it (Graph cannot send a function key header).
  { name: 'inboxNotifications', trigger: { type: 'http', route: 'notifications', methods: ['POST'], authLevel: 'anonymous' }, handler: inboxNotifications },
  { name: 'subscriptionLifecycle', trigger: { type: 'http', route: 'lifecycle', methods: ['POST'], authLevel: 'anonymous' }, handler: subscriptionLifecycle },
  { name: 'processInboundMessage', trigger: { type: 'queue', queueName: queueNames.inboundMessages, connection: 'AzureWebJobsStorage' }, handler: processInboundMessage },
  { name: 'handleSubscriptionEvent', trigger: { type: 'queue', queueName: queueNames.subscriptionEvents, connection: 'AzureWebJobsStorage' }, handler: handleSubscriptionEvent },
  { name: 'maintainSubscription', trigger: { type: 'timer', schedule: '0 7 */6 * * *' }, handler: maintainSubscription },
  // Every minute; the sweep itself runs every WEQS_SWEEP_MINUTES (more often without notifications).
  { name: 'sweepInbox', trigger: { type: 'timer', schedule: '30 * * * * *' }, handler: sweepInboxTimer },
  { name: 'sendReminders', trigger: { type: 'timer', schedule: '0 5 7-18 * * *' }, handler: sendRemindersTimer },
  { name: 'closeCycles', trigger: { type: 'timer', schedule: '0 10 * * * *' }, handler: closeCyclesTimer },
  { name: 'staffEdits', trigger: { type: 'timer', schedule: '15 */5 * * * *' }, handler: staffEditsTimer },
  { name: 'awardLifecycle', trigger: { type: 'timer', schedule: '0 20 6 * * *' }, handler: awardLifecycleTimer },
  { name: 'weeklyDigest', trigger: { type: 'timer', schedule: '0 0 8 * * 1' }, handler: weeklyDigestTimer },
  { name: 'folderAccess', trigger: { type: 'timer', schedule: '45 */10 * * * *' }, handler: folderAccessTimer },
];
