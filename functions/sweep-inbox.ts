import type { InvocationContext, Timer } from '@azure/functions';
import { withCorrelation } from '../src/logging.js';
import { getRuntime } from '../src/runtime.js';
import { isSweepDue } from '../src/workflows/inbox-subscription-health.js';
import { sweepInbox } from '../src/workflows/sweep-inbox.js';

/** Queues inbox messages whose notification never came, at the pace the subscription's health sets. */
export async function sweepInboxTimer(_timer: Timer, context: InvocationContext): Promise<void> {
  const runtime = getRuntime();
  await withCorrelation({ correlationId: context.invocationId, function: context.functionName }, async () => {
    if (await isSweepDue(runtime.sweep.state, runtime.config.sweepCadence, new Date())) await sweepInbox(runtime.sweep);
  });
}
