import type { InvocationContext } from '@azure/functions';
import { keyDigest } from '../src/storage/tables.js';
import { logger, withCorrelation } from '../src/logging.js';
import { attemptId, getRuntime } from '../src/runtime.js';
import { queueNames } from '../src/storage/queues.js';
import { handleInboundMessage } from '../src/workflows/handle-inbound-message.js';
import { inboundMessageReferenceSchema } from '../src/workflows/receive-notifications.js';

/** Must match host.json `extensions.queues.maxDequeueCount`: the last attempt tells staff. */
export const maxDequeueCount = 5;
/** Waiting is not failing, but it is not endless either. */
const maxDeferrals = 20;

/** One inbox message per queue entry, to exactly one recorded outcome. */
export async function processInboundMessage(queueEntry: unknown, context: InvocationContext): Promise<void> {
  const reference = inboundMessageReferenceSchema.parse(queueEntry);
  const dequeueCount = Number(context.triggerMetadata?.dequeueCount ?? 1);
  // The same id for every attempt at one email, so its log lines can be followed across retries.
  const correlationId = keyDigest(reference.messageId).slice(0, 16);
  await withCorrelation({ correlationId, function: context.functionName, dequeueCount, source: reference.source }, async () => {
    const runtime = getRuntime();
    const result = await handleInboundMessage(reference, runtime.inbound, { owner: attemptId(), final: dequeueCount >= maxDequeueCount });
    if (result.kind === 'handled') return;
    const deferrals = reference.deferrals ?? 0;
    // Waited long enough: from here on the queue's attempts (and, at the last, staff) take over.
    if (deferrals >= maxDeferrals) throw new Error(result.detail);
    // Queued again with a delay instead of failing, so waiting never uses up the five attempts.
    await runtime.queues.send(queueNames.inboundMessages, { ...reference, deferrals: deferrals + 1 }, { visibilityTimeoutSeconds: result.delaySeconds });
    logger().info({ delaySeconds: result.delaySeconds, reason: result.reason, detail: result.detail }, 'put the email off for a while');
  });
}
