import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { withCorrelation } from '../src/logging.js';
import { getRuntime } from '../src/runtime.js';
import { queueNames } from '../src/storage/queues.js';
import { receiveChangeNotifications, validationHandshake } from '../src/workflows/receive-notifications.js';

/** Graph's change notifications for the inbox: handshake, clientState check, enqueue, 202. */
export async function inboxNotifications(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const handshake = validationHandshake(request.query.get('validationToken'));
  if (handshake) return { status: handshake.status, body: handshake.body, headers: { 'content-type': 'text/plain' } };
  const { config, queues } = getRuntime();
  const response = await withCorrelation({ correlationId: context.invocationId, function: context.functionName }, async () =>
    receiveChangeNotifications(await request.text(), config.subscription.clientState, (reference) => queues.send(queueNames.inboundMessages, reference)),
  );
  return { status: response.status };
}
