import { logger } from '../logging.js';
import { SubscriptionRefused } from '../ports/subscriptions.port.js';
import type { Subscription, SubscriptionsPort } from '../ports/subscriptions.port.js';

export interface InboxSubscriptionSettings {
  inboxAddress: string;
  notificationUrl: string;
  lifecycleNotificationUrl: string;
  clientState: string;
}

/** Outlook message subscriptions may last up to 10,080 minutes; ask for a little less. */
const lifetimeMinutes = 10_000;
/** Renew when less than this remains, so a few missed timer runs never let it lapse. */
const renewWithinMinutes = 3 * 24 * 60;

/** `refused`: Graph would not subscribe this app to the inbox; weqs relies on the sweep. */
export type SubscriptionOutcome = 'created' | 'renewed' | 'current' | 'replaced' | 'refused';

/** Only `created`: our own category and read-state changes would otherwise notify us (trap 6). */
export function inboxResource(inboxAddress: string): string {
  return `users/${inboxAddress}/mailFolders('inbox')/messages`;
}

function isOurs(subscription: Subscription, settings: InboxSubscriptionSettings): boolean {
  return subscription.resource.toLowerCase() === inboxResource(settings.inboxAddress).toLowerCase() && subscription.changeType === 'created';
}

/**
 * Keeps exactly one inbox subscription alive: creates it (Graph performs the validation
 * handshake with our webhook), renews it well before expiry, and replaces one that points at
 * another URL or lacks the lifecycle URL (which can only be set at creation).
 * https://learn.microsoft.com/graph/api/subscription-update
 */
export async function maintainInboxSubscription(port: SubscriptionsPort, settings: InboxSubscriptionSettings, now: Date): Promise<SubscriptionOutcome> {
  const expiry = new Date(now.getTime() + lifetimeMinutes * 60_000).toISOString();
  const ours = (await port.list()).filter((subscription) => isOurs(subscription, settings));
  const stale = ours.filter(
    (subscription) => subscription.notificationUrl !== settings.notificationUrl || subscription.lifecycleNotificationUrl !== settings.lifecycleNotificationUrl,
  );
  for (const subscription of stale) await port.delete(subscription.id);
  // Graph may create a second identical subscription instead of answering 409: keep one. Every
  // instance keeps the same one (the lowest id), so two instances never delete each other's pick.
  const [current, ...extra] = ours.filter((subscription) => !stale.includes(subscription)).sort((a, b) => a.id.localeCompare(b.id));
  for (const subscription of extra) await port.delete(subscription.id);
  if (extra.length > 0) logger().warn({ removed: extra.map((subscription) => subscription.id) }, 'removed duplicate inbox subscriptions');
  if (current) {
    const remainingMinutes = (Date.parse(current.expirationDateTime) - now.getTime()) / 60_000;
    if (remainingMinutes > renewWithinMinutes) return 'current';
    if (await port.renew(current.id, expiry)) {
      logger().info({ subscriptionId: current.id, expirationDateTime: expiry }, 'renewed the inbox subscription');
      return 'renewed';
    }
  }
  let created: Subscription | undefined;
  try {
    created = await port.create({
      resource: inboxResource(settings.inboxAddress),
      changeType: 'created',
      notificationUrl: settings.notificationUrl,
      lifecycleNotificationUrl: settings.lifecycleNotificationUrl,
      clientState: settings.clientState,
      expirationDateTime: expiry,
    });
  } catch (error) {
    if (!(error instanceof SubscriptionRefused)) throw error;
    logger().warn({ reason: error.message }, 'Graph refused the inbox subscription; the inbox sweep has to find every email');
    return 'refused';
  }
  logger().info({ subscriptionId: created?.id, expirationDateTime: expiry }, created ? 'created the inbox subscription' : 'another instance created the inbox subscription first');
  // Another instance may have created one at the same moment, and Graph may not have refused it.
  const afterCreate = (await port.list()).filter((subscription) => isOurs(subscription, settings) && subscription.notificationUrl === settings.notificationUrl).sort((a, b) => a.id.localeCompare(b.id));
  for (const duplicate of afterCreate.slice(1)) await port.delete(duplicate.id);
  return stale.length > 0 ? 'replaced' : 'created';
}
