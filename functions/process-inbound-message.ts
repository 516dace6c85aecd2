import type { InvocationContext } from '@azure/functions';
import { logger, withCorrelation } from '../src/logging.js';
import { inboundMessageReferenceSchema } from '../src/workflows/receive-notifications.js';

/** One inbox message per queue entry. */
export async function processInboundMessage(queueEntry: unknown, context: InvocationContext): Promise<void> {
  const reference = inboundMessageReferenceSchema.parse(queueEntry);
  await withCorrelation({ correlationId: reference.messageId.slice(-24), function: context.functionName, dequeueCount: context.triggerMetadata?.dequeueCount }, async () => {
    logger().info({ messageId: reference.messageId, source: reference.source, notifiedAt: reference.notifiedAt }, 'inbound email received');
  });
}
