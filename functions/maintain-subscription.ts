import type { InvocationContext, Timer } from '@azure/functions';
import { GraphSubscriptions } from '../src/graph/subscriptions.js';
import { withCorrelation } from '../src/logging.js';
import { getRuntime } from '../src/runtime.js';
import { recordSubscriptionOutcome } from '../src/workflows/inbox-subscription-health.js';
import { maintainInboxSubscription } from '../src/workflows/maintain-inbox-subscription.js';

/** Every six hours: make sure the inbox subscription exists and is renewed well before it expires. */
export async function maintainSubscription(_timer: Timer, context: InvocationContext): Promise<void> {
  const runtime = getRuntime();
  const { config, graph } = runtime;
  await withCorrelation({ correlationId: context.invocationId, function: context.functionName }, async () => {
    const outcome = await maintainInboxSubscription(new GraphSubscriptions(graph), { inboxAddress: config.inboxAddress, ...config.subscription }, new Date());
    await recordSubscriptionOutcome(outcome, { state: runtime.sweep.state, staff: runtime.review.staff, inboxAddress: config.inboxAddress, cadence: config.sweepCadence });
  });
}
