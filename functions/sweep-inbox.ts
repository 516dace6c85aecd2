import type { InvocationContext, Timer } from '@azure/functions';
import { withCorrelation } from '../src/logging.js';
import { getRuntime } from '../src/runtime.js';
import { sweepInbox } from '../src/workflows/sweep-inbox.js';

/** Every five minutes: queue inbox messages whose notification never came. */
export async function sweepInboxTimer(_timer: Timer, context: InvocationContext): Promise<void> {
  const runtime = getRuntime();
  await withCorrelation({ correlationId: context.invocationId, function: context.functionName }, () =>
    sweepInbox(runtime.sweep),
  );
}
