import { createServer } from 'node:http';
import type { AddressInfo, Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphSubscriptions } from '../../src/graph/subscriptions.js';
import { isSweepDue, recordSubscriptionOutcome } from '../../src/workflows/inbox-subscription-health.js';
import { maintainInboxSubscription } from '../../src/workflows/maintain-inbox-subscription.js';
import { inbox, startTestEmulator } from '../support/emulator.js';
import type { TestEmulator } from '../support/emulator.js';
import type { TenantSeed } from '../../emulator/tenant.js';

/** A webhook endpoint that answers Graph's validation handshake. */
async function listen(): Promise<{ server: Server; base: string }> {
  const server = createServer((request, response) => {
    const token = new URL(request.url ?? '/', 'http://x').searchParams.get('validationToken');
    response.writeHead(token ? 200 : 202, { 'content-type': 'text/plain' });
    response.end(token ?? '');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

function setUp(behaviour: Partial<TenantSeed['behaviour']>) {
  const context = {} as { env: TestEmulator; server: Server; base: string };
  beforeAll(async () => {
    context.env = await startTestEmulator({ tenant: (seed) => ({ ...seed, behaviour: { ...seed.behaviour, ...behaviour } }) });
    Object.assign(context, await listen());
  });
  afterAll(async () => {
    context.server.close();
    await context.env.stop();
  });
  return context;
}

const settingsFor = (base: string) => ({ inboxAddress: inbox, notificationUrl: `${base}/api/notifications`, lifecycleNotificationUrl: `${base}/api/lifecycle`, clientState: 'x'.repeat(40) });
const cadence = { everyMinutes: 5, withoutNotificationsEveryMinutes: 1 };

describe('when Graph refuses mailbox subscriptions to an app with Exchange RBAC for Applications only', () => {
  const context = setUp({ mailboxSubscriptionsNeedTenantWideMailRead: true });

  it('carries on through the sweep, sweeps every minute, and tells staff once with what to grant', async () => {
    const { env, base } = context;
    const state = new Map<string, string>();
    const store = { get: async (name: string) => state.get(name), set: async (name: string, value: string) => void state.set(name, value) };
    const cards: unknown[] = [];
    const staff = { post: async (card: unknown) => void cards.push(card) };
    const now = new Date((await env.control.state()).now);
    for (let run = 0; run < 3; run += 1) {
      const outcome = await maintainInboxSubscription(new GraphSubscriptions(env.graph), settingsFor(base), now);
      expect(outcome).toBe('refused');
      await recordSubscriptionOutcome(outcome, { state: store, staff, inboxAddress: inbox, cadence });
    }
    expect(cards).toHaveLength(1);
    expect(JSON.stringify(cards[0])).toMatch(/Mail\.ReadBasic\.All/);
    expect(JSON.stringify(cards[0])).toMatch(/every 1 minute /);
    // The sweep's pace: every minute while refused.
    const minute = (m: number): Date => new Date(Date.UTC(2026, 11, 4, 10, m, 30));
    for (const m of [0, 1, 2, 3, 7]) expect(await isSweepDue(store, cadence, minute(m))).toBe(true);
    // Once a subscription works again the pace returns to five minutes, and a later refusal is told again.
    await recordSubscriptionOutcome('created', { state: store, staff, inboxAddress: inbox, cadence });
    expect(await Promise.all([0, 1, 2, 3, 4, 5].map((m) => isSweepDue(store, cadence, minute(m))))).toEqual([true, false, false, false, false, true]);
    await recordSubscriptionOutcome('refused', { state: store, staff, inboxAddress: inbox, cadence });
    expect(cards).toHaveLength(2);
  });
});

describe('when Graph creates a second identical subscription instead of answering 409', () => {
  const context = setUp({ duplicateSubscriptions: 'duplicate' });

  it('keeps exactly one, even when two instances create it at the same moment', async () => {
    const { env, base } = context;
    const port = new GraphSubscriptions(env.graph);
    const now = new Date((await env.control.state()).now);
    await Promise.all([maintainInboxSubscription(port, settingsFor(base), now), maintainInboxSubscription(port, settingsFor(base), now)]);
    expect(await port.list()).toHaveLength(1);
    // A duplicate already there (made by an older version, or by Graph) is removed on the next run.
    await env.graph.api('/subscriptions').post({ changeType: 'created', notificationUrl: `${base}/api/notifications`, lifecycleNotificationUrl: `${base}/api/lifecycle`, resource: `users/${inbox}/mailFolders('inbox')/messages`, expirationDateTime: new Date(now.getTime() + 3 * 24 * 3600_000).toISOString(), clientState: 'x'.repeat(40) });
    expect(await port.list()).toHaveLength(2);
    expect(await maintainInboxSubscription(port, settingsFor(base), now)).toBeOneOf(['current', 'renewed']);
    expect(await port.list()).toHaveLength(1);
  });
});
