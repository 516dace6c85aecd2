import { z } from 'zod';
import { changeNotificationCollectionSchema, sortChangeNotifications, sortLifecycleNotifications } from '../domain/change-notifications.js';
import { logger } from '../logging.js';

export interface WebhookResponse {
  status: number;
  body?: string;
  contentType?: string;
}

/** An inbox message to look at: what the webhook puts on the queue, and all the queue function needs. */
export const inboundMessageReferenceSchema = z.object({
  kind: z.literal('inbox-message'),
  messageId: z.string().min(1).max(512),
  source: z.enum(['notification', 'sweep', 'replay']),
  notifiedAt: z.iso.datetime(),
  /** How many times handling was put off because the email was busy elsewhere or a send was unsettled. */
  deferrals: z.number().int().min(0).max(100).optional(),
});
export type InboundMessageReference = z.infer<typeof inboundMessageReferenceSchema>;

/** What the lifecycle webhook puts on the queue. */
export const subscriptionEventSchema = z.object({
  kind: z.literal('subscription-event'),
  event: z.enum(['reauthorizationRequired', 'subscriptionRemoved', 'missed']),
  subscriptionId: z.string().min(1),
  notifiedAt: z.iso.datetime(),
});
export type SubscriptionEvent = z.infer<typeof subscriptionEventSchema>;

/**
 * Graph validates a notification URL by POSTing `?validationToken=`; the decoded token must come
 * back as text/plain within 10 seconds.
 * https://learn.microsoft.com/graph/change-notifications-delivery-webhooks#notificationurl-validation
 */
export function validationHandshake(validationToken: string | null): WebhookResponse | undefined {
  if (validationToken === null) return undefined;
  return { status: 200, body: validationToken, contentType: 'text/plain' };
}

function parseCollection(body: string): unknown[] | undefined {
  try {
    const parsed = changeNotificationCollectionSchema.safeParse(JSON.parse(body));
    return parsed.success ? parsed.data.value : undefined;
  } catch {
    return undefined;
  }
}

/** Whether a subscription is this app's: `unknown` when that cannot be found out now. */
export type SubscriptionOwnership = (subscriptionId: string) => Promise<boolean | 'unknown'>;

/** Subscription ids from the request are the sender's text: logged short, and only a few. */
const loggedIds = (ids: string[]): string[] => [...new Set(ids)].slice(0, 10).map((id) => id.slice(0, 64));

/**
 * Persist, then acknowledge: the notifications are queued and Graph gets 202 within milliseconds;
 * the work happens in the queue function (Graph throttles endpoints slower than 3 seconds).
 *
 * One POST may carry several notifications, for several subscriptions, some not weqs's at all
 * (https://learn.microsoft.com/graph/api/resources/changenotificationcollection). Each is judged
 * on its own: a wrong clientState, a bad shape or a subscription this app does not own drops that
 * notification alone (logged), never the others. Any well-formed collection gets 202, so Graph does
 * not keep retrying a POST for the sake of notifications that were never weqs's.
 */
export async function receiveChangeNotifications(
  body: string,
  clientState: string,
  enqueue: (reference: InboundMessageReference) => Promise<void>,
  owns: SubscriptionOwnership,
  now: () => Date = () => new Date(),
): Promise<WebhookResponse> {
  const items = parseCollection(body);
  if (!items) {
    logger().warn({ outcome: 'malformed-notification' }, 'rejected a request to the notification endpoint that is not a change notification collection');
    return { status: 400 };
  }
  const { accepted, forged, malformed } = sortChangeNotifications(items, clientState);
  if (forged + malformed > 0) logger().warn({ forged, malformed }, 'ignored notifications with a wrong clientState or shape');
  const ownership = await Promise.all(accepted.map(async (notification) => ({ notification, owned: await owns(notification.subscriptionId) })));
  const notOurs = ownership.filter(({ owned }) => owned === false).map(({ notification }) => notification.subscriptionId);
  if (notOurs.length > 0) logger().warn({ ignored: notOurs.length, subscriptionIds: loggedIds(notOurs) }, 'ignored notifications for subscriptions this app does not own');
  const unverified = ownership.filter(({ owned }) => owned === 'unknown').length;
  // The clientState matched, which is the check Microsoft documents; losing the email to the sweep is worse.
  if (unverified > 0) logger().warn({ unverified }, 'accepted notifications whose subscription could not be checked with Graph');
  const references = ownership
    .filter(({ owned }) => owned !== false)
    .map(({ notification }) => notification)
    .filter((notification) => notification.changeType === 'created' && notification.resourceData?.id)
    .map((notification): InboundMessageReference => ({
      kind: 'inbox-message',
      messageId: notification.resourceData?.id as string,
      source: 'notification',
      notifiedAt: now().toISOString(),
    }));
  await Promise.all(references.map(enqueue));
  logger().info({ received: items.length, queued: references.length }, 'queued inbox notifications');
  return { status: 202 };
}

/** https://learn.microsoft.com/graph/change-notifications-lifecycle-events */
export async function receiveLifecycleNotifications(
  body: string,
  clientState: string,
  enqueue: (event: SubscriptionEvent) => Promise<void>,
  now: () => Date = () => new Date(),
): Promise<WebhookResponse> {
  const items = parseCollection(body);
  if (!items) return { status: 400 };
  const { accepted, forged, malformed } = sortLifecycleNotifications(items, clientState);
  if (forged + malformed > 0) logger().warn({ forged, malformed }, 'ignored lifecycle notifications with a wrong clientState or shape');
  await Promise.all(
    accepted.map((notification) =>
      enqueue({ kind: 'subscription-event', event: notification.lifecycleEvent, subscriptionId: notification.subscriptionId, notifiedAt: now().toISOString() }),
    ),
  );
  logger().info({ events: accepted.map((notification) => notification.lifecycleEvent) }, 'queued subscription lifecycle events');
  // As for change notifications: a POST may mix other apps' items, which Graph must not retry for.
  return { status: 202 };
}
