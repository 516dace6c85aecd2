import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { withCorrelation } from '../src/logging.js';
import { validationHandshake } from '../src/workflows/receive-notifications.js';
import type { WebhookResponse } from '../src/workflows/receive-notifications.js';

/** A Graph webhook endpoint: the validation handshake, else the body handed to `receive`. */
export function graphWebhook(receive: (body: string) => Promise<WebhookResponse>) {
  return async (request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> => {
    const handshake = validationHandshake(request.query.get('validationToken'));
    if (handshake) return { status: handshake.status, body: handshake.body, headers: { 'content-type': 'text/plain' } };
    const body = await request.text();
    const response = await withCorrelation({ correlationId: context.invocationId, function: context.functionName }, () => receive(body));
    return { status: response.status };
  };
}
