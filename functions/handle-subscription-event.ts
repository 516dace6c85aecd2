import type { InvocationContext } from '@azure/functions';
import { GraphSubscriptions } from '../src/graph/subscriptions.js';
import { logger, withCorrelation } from '../src/logging.js';
import { getRuntime } from '../src/runtime.js';
import { maintainInboxSubscription } from '../src/workflows/maintain-inbox-subscription.js';
import { subscriptionEventSchema } from '../src/workflows/receive-notifications.js';

/** Acts on a lifecycle event: reauthorize, or recreate a removed subscription. */
export async function handleSubscriptionEvent(queueEntry: unknown, context: InvocationContext): Promise<void> {
  const event = subscriptionEventSchema.parse(queueEntry);
  const { config, graph } = getRuntime();
  await withCorrelation({ correlationId: context.invocationId, function: context.functionName, lifecycleEvent: event.event }, async () => {
    const subscriptions = new GraphSubscriptions(graph);
    if (event.event === 'reauthorizationRequired') {
      await subscriptions.reauthorize(event.subscriptionId);
      logger().info({ subscriptionId: event.subscriptionId }, 'reauthorized the inbox subscription');
      return;
    }
    const outcome = await maintainInboxSubscription(subscriptions, { inboxAddress: config.inboxAddress, ...config.subscription }, new Date());
    logger().info({ outcome }, 'checked the inbox subscription after a lifecycle event');
  });
}
