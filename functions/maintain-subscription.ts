import type { InvocationContext, Timer } from '@azure/functions';
import { GraphSubscriptions } from '../src/graph/subscriptions.js';
import { withCorrelation } from '../src/logging.js';
import { getRuntime } from '../src/runtime.js';
import { maintainInboxSubscription } from '../src/workflows/maintain-inbox-subscription.js';

/** Every six hours: make sure the inbox subscription exists and is renewed well before it expires. */
export async function maintainSubscription(_timer: Timer, context: InvocationContext): Promise<void> {
  const { config, graph } = getRuntime();
  await withCorrelation({ correlationId: context.invocationId, function: context.functionName }, () =>
    maintainInboxSubscription(new GraphSubscriptions(graph), { inboxAddress: config.inboxAddress, ...config.subscription }, new Date()),
  );
}
