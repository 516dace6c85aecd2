import { createServer } from 'node:http';
import type { AddressInfo, Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphSubscriptions } from '../../src/graph/subscriptions.js';
import { inboxResource, maintainInboxSubscription } from '../../src/workflows/maintain-inbox-subscription.js';
import { inbox, startTestEmulator } from '../support/emulator.js';
import type { TestEmulator } from '../support/emulator.js';

describe('maintainInboxSubscription (through Graph against the emulator)', () => {
  let env: TestEmulator;
  let endpoint: Server;
  let base: string;
  beforeAll(async () => {
    env = await startTestEmulator();
    endpoint = createServer((request, response) => {
      const token = new URL(request.url ?? '/', 'http://x').searchParams.get('validationToken');
      response.writeHead(token ? 200 : 202, { 'content-type': 'text/plain' });
      response.end(token ?? '');
    });
    await new Promise<void>((resolve) => endpoint.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(endpoint.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    endpoint.close();
    await env.stop();
  });

  const settings = () => ({ inboxAddress: inbox, notificationUrl: `${base}/api/notifications`, lifecycleNotificationUrl: `${base}/api/lifecycle`, clientState: 'x'.repeat(40) });
  const now = async (): Promise<Date> => new Date((await env.control.state()).now);

  it('creates one subscription to created messages in the inbox, then leaves it alone while it is fresh', async () => {
    const port = new GraphSubscriptions(env.graph);
    expect(await maintainInboxSubscription(port, settings(), await now())).toBe('created');
    expect(await maintainInboxSubscription(port, settings(), await now())).toBe('current');
    const subscriptions = await port.list();
    expect(subscriptions).toHaveLength(1);
    expect(subscriptions[0]).toMatchObject({ resource: inboxResource(inbox), changeType: 'created', lifecycleNotificationUrl: `${base}/api/lifecycle` });
  });

  it('renews it once less than three days remain', async () => {
    const port = new GraphSubscriptions(env.graph);
    await env.control.call('POST', '/_emulator/clock', { advanceMs: 4.5 * 24 * 3600 * 1000 });
    const before = (await port.list())[0]?.expirationDateTime ?? '';
    expect(await maintainInboxSubscription(port, settings(), await now())).toBe('renewed');
    const after = (await port.list())[0]?.expirationDateTime ?? '';
    expect(Date.parse(after)).toBeGreaterThan(Date.parse(before));
  });

  it('recreates it after Graph removed it', async () => {
    const port = new GraphSubscriptions(env.graph);
    const [subscription] = await port.list();
    await env.control.call('POST', `/_emulator/subscriptions/${subscription?.id ?? ''}/lifecycle`, { event: 'subscriptionRemoved' });
    expect(await port.list()).toHaveLength(0);
    expect(await maintainInboxSubscription(port, settings(), await now())).toBe('created');
    expect(await port.list()).toHaveLength(1);
  });

  it('replaces a subscription that points at an old notification URL', async () => {
    const port = new GraphSubscriptions(env.graph);
    const moved = { ...settings(), notificationUrl: `${base}/api/notifications?moved=1` };
    expect(await maintainInboxSubscription(port, moved, await now())).toBe('replaced');
    const subscriptions = await port.list();
    expect(subscriptions).toHaveLength(1);
    expect(subscriptions[0]?.notificationUrl).toBe(moved.notificationUrl);
  });
});
