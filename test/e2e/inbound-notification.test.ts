import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmulatorState } from '../../dev/emulator-client.js';
import { extraApp, secretOf } from '../emulator/support/clients.js';
import { inbox } from '../support/emulator.js';
import { startStack } from '../support/stack.js';
import type { Stack } from '../support/stack.js';

/** Another app in the tenant that reads the inbox and points its subscriptions at weqs's webhook. */
const neighbour = extraApp('5d2e8f1a-3b4c-4d5e-9f60-718293a4b5c6', 'Neighbouring mail app', ['Mail.Read']);

describe('an email arriving in the inbox (Azurite + emulator + local Functions host)', () => {
  let stack: Stack;
  beforeAll(async () => {
    // About notifications, so Graph allows the inbox subscription here whatever WEQS_EMULATOR_READINGS says.
    stack = await startStack({
      directory: 'none',
      tenant: (seed) => ({ ...seed, applications: [...seed.applications, neighbour], behaviour: { ...seed.behaviour, mailboxSubscriptionsNeedTenantWideMailRead: false } }),
    });
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

  it('handles every notification of a batched POST on its own: a stranger\'s clientState and a subscription weqs does not own drop only themselves', async () => {
    const notificationUrl = `${stack.host.url}/api/notifications`;
    const neighbourGraph = stack.env.graphAs(neighbour.clientId, secretOf(neighbour));
    const expirationDateTime = new Date(Date.parse((await stack.env.control.state<EmulatorState>()).now) + 120 * 60_000).toISOString();
    const resource = `users/${inbox}/mailFolders('inbox')/messages`;
    // Graph validates each URL with the handshake, which weqs answers for anyone.
    await neighbourGraph.api('/subscriptions').post({ changeType: 'created', notificationUrl, resource, expirationDateTime, clientState: 'the-neighbours-own-state' });
    const foreign = (await neighbourGraph.api('/subscriptions').post({ changeType: 'created,updated', notificationUrl, resource, expirationDateTime, clientState: stack.settings.WEQS_SUBSCRIPTION_CLIENT_STATE })) as { id: string };

    const { id } = await stack.env.control.deliver({ from: { address: 'sam.jones@trust.example' }, subject: 'A question about the standard', body: 'hello' });
    await stack.waitForLog((line) => line.msg === 'handling an inbox email' && line.messageId === id);
    const received = await stack.waitForLog((line) => line.msg === 'queued inbox notifications' && line.received === 3);
    expect(received.queued).toBe(1);
    expect(stack.logs.find((line) => line.msg === 'ignored notifications with a wrong clientState or shape' && line.forged === 1)).toBeDefined();
    expect(stack.logs.find((line) => line.msg === 'ignored notifications for subscriptions this app does not own')?.subscriptionIds).toEqual([foreign.id]);
    const posted = (await stack.env.control.state<EmulatorState>()).notifications.filter((delivery) => delivery.kind === 'change' && delivery.batchSize === 3);
    expect(posted.map((delivery) => delivery.status)).toEqual(['delivered', 'delivered', 'delivered']);
  });
});
