import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { logger, withCorrelation } from '../src/logging.js';
import { validationHandshake } from '../src/workflows/receive-notifications.js';
import type { WebhookResponse } from '../src/workflows/receive-notifications.js';

/**
 * The largest body the webhook reads. weqs subscribes without resource data, so a notification is
 * a few hundred bytes and Graph batches at most a few hundred of them; anything bigger is not
 * from Graph and is refused before it is read in full, let alone parsed.
 */
export const maxWebhookBodyBytes = 1024 * 1024;

/** The body as text, or undefined when it is (or declares itself) larger than the cap. */
async function readCapped(request: HttpRequest, maxBytes: number): Promise<string | undefined> {
  const declared = Number(request.headers.get('content-length') ?? '');
  if (Number.isFinite(declared) && declared > maxBytes) return undefined;
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** A Graph webhook endpoint: the validation handshake, else the body handed to `receive`. */
export function graphWebhook(receive: (body: string) => Promise<WebhookResponse>, maxBytes = maxWebhookBodyBytes) {
  return async (request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> => {
    const handshake = validationHandshake(request.query.get('validationToken'));
    // The token is echoed as sent, so browsers must not guess it is HTML or script.
    if (handshake) return { status: handshake.status, body: handshake.body, headers: { 'content-type': 'text/plain', 'x-content-type-options': 'nosniff' } };
    const body = await readCapped(request, maxBytes);
    if (body === undefined) {
      logger().warn({ function: context.functionName, limit: maxBytes }, 'refused a webhook request whose body is over the size limit');
      return { status: 413 };
    }
    const response = await withCorrelation({ correlationId: context.invocationId, function: context.functionName }, () => receive(body));
    return { status: response.status };
  };
}
