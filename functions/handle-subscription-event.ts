import type { InvocationContext } from '@azure/functions';
import { GraphSubscriptions } from '../src/graph/subscriptions.js';
import { logger, withCorrelation } from '../src/logging.js';
import { getRuntime } from '../src/runtime.js';
import { maintainInboxSubscription } from '../src/workflows/maintain-inbox-subscription.js';
import { subscriptionEventSchema } from '../src/workflows/receive-notifications.js';
import { sweepInbox } from '../src/workflows/sweep-inbox.js';

/**
 * Acts on a lifecycle event: reauthorize; after a removal recreate the subscription; after a
 * removal or missed notifications, sweep the inbox so nothing in the gap is lost.
 * https://learn.microsoft.com/graph/change-notifications-lifecycle-events
 */
export async function handleSubscriptionEvent(queueEntry: unknown, context: InvocationContext): Promise<void> {
  const event = subscriptionEventSchema.parse(queueEntry);
  const runtime = getRuntime();
  const { config, graph } = runtime;
  await withCorrelation({ correlationId: context.invocationId, function: context.functionName, lifecycleEvent: event.event }, async () => {
    const subscriptions = new GraphSubscriptions(graph);
    if (event.event === 'reauthorizationRequired') {
      await subscriptions.reauthorize(event.subscriptionId);
      logger().info({ subscriptionId: event.subscriptionId }, 'reauthorized the inbox subscription');
      return;
    }
    if (event.event === 'subscriptionRemoved') {
      const outcome = await maintainInboxSubscription(subscriptions, { inboxAddress: config.inboxAddress, ...config.subscription }, new Date());
      logger().info({ outcome }, 'recreated the inbox subscription after Graph removed it');
    }
    await sweepInbox(runtime.sweep);
  });
}
