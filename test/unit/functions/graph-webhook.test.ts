import { HttpRequest, InvocationContext } from '@azure/functions';
import { describe, expect, it, vi } from 'vitest';
import { graphWebhook, maxWebhookBodyBytes } from '../../../functions/graph-webhook.js';

const context = (): InvocationContext => new InvocationContext({ invocationId: 'test', functionName: 'inboxNotifications' });

function post(body: Uint8Array | string, headers: Record<string, string> = {}, query: Record<string, string> = {}): HttpRequest {
  return new HttpRequest({
    method: 'POST',
    url: `http://127.0.0.1/api/notifications${Object.keys(query).length ? `?${new URLSearchParams(query).toString()}` : ''}`,
    headers,
    query,
    body: typeof body === 'string' ? { string: body } : { bytes: body },
  });
}

describe('graphWebhook', () => {
  it('answers the validation token as plain text that browsers must not sniff', async () => {
    const receive = vi.fn();
    const response = await graphWebhook(receive)(post('', {}, { validationToken: '<script>alert(1)</script>' }), context());
    expect(response).toMatchObject({ status: 200, body: '<script>alert(1)</script>' });
    expect(response.headers).toMatchObject({ 'content-type': 'text/plain', 'x-content-type-options': 'nosniff' });
    expect(receive).not.toHaveBeenCalled();
  });

  it('refuses a body over the cap with 413 without handing it on to be parsed', async () => {
    const receive = vi.fn(async () => ({ status: 202 }));
    const huge = new Uint8Array(maxWebhookBodyBytes + 1).fill(0x20);
    expect((await graphWebhook(receive)(post(huge), context())).status).toBe(413);
    // A small declared length does not let a large body through either.
    expect((await graphWebhook(receive, 100)(post('x'.repeat(101), { 'content-length': '10' }), context())).status).toBe(413);
    // A large declared length is refused before anything is read.
    expect((await graphWebhook(receive)(post('{}', { 'content-length': String(60 * 1024 * 1024) }), context())).status).toBe(413);
    expect(receive).not.toHaveBeenCalled();
  });

  it('hands a body within the cap to the receiver', async () => {
    const receive = vi.fn(async () => ({ status: 202 }));
    const body = JSON.stringify({ value: [] });
    expect((await graphWebhook(receive)(post(body), context())).status).toBe(202);
    expect(receive).toHaveBeenCalledWith(body);
  });
});
