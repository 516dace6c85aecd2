import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack } from '../support/stack.js';
import type { Stack } from '../support/stack.js';

describe('an email arriving in the inbox (Azurite + emulator + local Functions host)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ directory: 'none' });
  }, 120_000);
  afterAll(async () => stack?.stop());

  it('creates the inbox subscription through the real validation handshake', async () => {
    const { subscriptions } = await stack.env.control.state();
    expect(subscriptions).toHaveLength(1);
    expect(subscriptions[0]?.notificationUrl).toBe(`${stack.host.url}/api/notifications`);
  });

  it('reaches the queue function through the webhook and the queue, with a correlation id', async () => {
    const { id } = await stack.env.control.deliver({ from: { address: 'jo.bloggs@trust.example' }, subject: 'Work Experience Quality Standard – Northshire Hospitals', body: 'hello' });
    const started = Date.now();
    const received = await stack.waitForLog((line) => line.msg === 'handling an inbox email' && line.messageId === id);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(received.correlationId).toEqual(expect.any(String));
    const notified = stack.logs.find((line) => line.msg === 'queued inbox notifications');
    expect(notified?.queued).toBe(1);
  });
});
