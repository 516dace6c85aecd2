import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { withCorrelation } from '../src/logging.js';
import { getRuntime } from '../src/runtime.js';
import { queueNames } from '../src/storage/queues.js';
import { receiveLifecycleNotifications, validationHandshake } from '../src/workflows/receive-notifications.js';

/** Graph's lifecycle notifications (reauthorizationRequired, subscriptionRemoved, missed). */
export async function subscriptionLifecycle(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const handshake = validationHandshake(request.query.get('validationToken'));
  if (handshake) return { status: handshake.status, body: handshake.body, headers: { 'content-type': 'text/plain' } };
  const { config, queues } = getRuntime();
  const response = await withCorrelation({ correlationId: context.invocationId, function: context.functionName }, async () =>
    receiveLifecycleNotifications(await request.text(), config.subscription.clientState, (event) => queues.send(queueNames.subscriptionEvents, event)),
  );
  return { status: response.status };
}
