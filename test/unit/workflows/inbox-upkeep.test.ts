import { describe, expect, it } from 'vitest';
import { keyDigest } from '../../../src/domain/key-digest.js';
import { DeltaExpired } from '../../../src/ports/mailbox.port.js';
import type { DeltaPage, MailboxPort } from '../../../src/ports/mailbox.port.js';
import { SubscriptionRefused } from '../../../src/ports/subscriptions.port.js';
import type { Subscription, SubscriptionSpec, SubscriptionsPort } from '../../../src/ports/subscriptions.port.js';
import { isSweepDue, recordSubscriptionOutcome } from '../../../src/workflows/inbox-subscription-health.js';
import { inboxResource, maintainInboxSubscription } from '../../../src/workflows/maintain-inbox-subscription.js';
import type { InboundMessageReference } from '../../../src/workflows/receive-notifications.js';
import { sweepInbox } from '../../../src/workflows/sweep-inbox.js';

// The inbox's upkeep in process, against in-memory ports; test/integration proves the adapters.

const now = new Date('2027-03-02T10:00:00Z');
const minutesAgo = (minutes: number): string => new Date(now.getTime() - minutes * 60_000).toISOString();

function sweepWorld(pages: (DeltaPage | Error)[], handled: string[] = []) {
  const state = new Map<string, string>();
  const queued: InboundMessageReference[] = [];
  const asked: (string | undefined)[] = [];
  const mailbox = {
    inboxDelta: async (link: string | undefined) => {
      asked.push(link);
      const page = pages.shift();
      if (!page) throw new Error('no more pages');
      if (page instanceof Error) throw page;
      return page;
    },
  } as unknown as MailboxPort;
  const deps = {
    mailbox,
    ledger: { keyFor: keyDigest, get: async (key: string) => (handled.map(keyDigest).includes(key) ? ({ key } as never) : undefined) },
    state: { get: async (name: string) => state.get(name), set: async (name: string, value: string) => void state.set(name, value) },
    enqueue: async (reference: InboundMessageReference) => void queued.push(reference),
    now: () => now,
    graceMs: 60_000,
  };
  return { deps, state, queued, asked };
}

describe('the inbox sweep', () => {
  it('queues messages without an outcome, skips handled and pre-existing ones, and saves the delta link', async () => {
    const world = sweepWorld([
      {
        messages: [
          { id: 'new', internetMessageId: '<new@x>', receivedAt: minutesAgo(5) },
          { id: 'handled', internetMessageId: '<handled@x>', receivedAt: minutesAgo(5) },
          { id: 'undated', internetMessageId: '<undated@x>' },
        ],
        deltaLink: 'link-2',
      },
    ], ['<handled@x>']);
    world.state.set('inbox-watermark', minutesAgo(60));

    expect(await sweepInbox(world.deps)).toEqual({ seen: 3, queued: 1, deferred: 0, restarted: false });
    expect(world.queued).toEqual([{ kind: 'inbox-message', messageId: 'new', source: 'sweep', notifiedAt: now.toISOString() }]);
    expect(world.state.get('inbox-delta-link')).toBe('link-2');
  });

  it('never touches mail from before weqs first ran', async () => {
    const world = sweepWorld([{ messages: [{ id: 'old', internetMessageId: '<old@x>', receivedAt: minutesAgo(5) }], deltaLink: 'link-1' }]);
    expect((await sweepInbox(world.deps)).queued).toBe(0);
    expect(world.state.get('inbox-watermark')).toBe(now.toISOString());
  });

  it('leaves a message younger than the grace period to the webhook, and keeps the old delta link so it is read again', async () => {
    const world = sweepWorld([{ messages: [{ id: 'young', internetMessageId: '<young@x>', receivedAt: minutesAgo(0.5) }], deltaLink: 'link-2' }]);
    world.state.set('inbox-watermark', minutesAgo(60));
    world.state.set('inbox-delta-link', 'link-1');

    expect(await sweepInbox(world.deps)).toMatchObject({ queued: 0, deferred: 1 });
    expect(world.state.get('inbox-delta-link')).toBe('link-1');
  });

  it('starts a new round when the delta link has expired, looking back 14 days only', async () => {
    const world = sweepWorld([
      new DeltaExpired('gone'),
      {
        messages: [
          { id: 'recent', internetMessageId: '<recent@x>', receivedAt: minutesAgo(60 * 24) },
          { id: 'ancient', internetMessageId: '<ancient@x>', receivedAt: minutesAgo(60 * 24 * 20) },
          { id: 'young', internetMessageId: '<young@x>', receivedAt: minutesAgo(0.5) },
        ],
        deltaLink: 'link-new',
      },
    ]);
    world.state.set('inbox-watermark', minutesAgo(60 * 24 * 365));
    world.state.set('inbox-delta-link', 'link-old');

    expect(await sweepInbox(world.deps)).toMatchObject({ queued: 1, deferred: 1, restarted: true });
    expect(world.asked).toEqual(['link-old', undefined]);
    expect(world.queued.map((reference) => reference.messageId)).toEqual(['recent']);
    expect(world.state.get('inbox-delta-link')).toBe('');
  });

  it('passes on any other failure of the delta query', async () => {
    const world = sweepWorld([new Error('503')]);
    await expect(sweepInbox(world.deps)).rejects.toThrow('503');
  });
});

const settings = { inboxAddress: 'inbox@weqs.example', notificationUrl: 'https://weqs.example/api/notifications', lifecycleNotificationUrl: 'https://weqs.example/api/lifecycle', clientState: 'secret' };
const inFuture = (minutes: number): string => new Date(now.getTime() + minutes * 60_000).toISOString();

function subscriptionsWorld(initial: Subscription[], options: { refuse?: boolean; renewGone?: boolean; createAlsoMakes?: Subscription } = {}) {
  const subscriptions = [...initial];
  const calls: string[] = [];
  let next = 100;
  const port: SubscriptionsPort = {
    list: async () => [...subscriptions],
    get: async (id) => subscriptions.find((subscription) => subscription.id === id),
    create: async (spec: SubscriptionSpec) => {
      calls.push('create');
      if (options.refuse) throw new SubscriptionRefused('403');
      const created: Subscription = { id: `s${next++}`, resource: spec.resource, changeType: spec.changeType, notificationUrl: spec.notificationUrl, lifecycleNotificationUrl: spec.lifecycleNotificationUrl, expirationDateTime: spec.expirationDateTime };
      subscriptions.push(created);
      if (options.createAlsoMakes) subscriptions.push(options.createAlsoMakes);
      return created;
    },
    renew: async (id, expirationDateTime) => {
      calls.push(`renew ${id}`);
      const found = subscriptions.find((subscription) => subscription.id === id);
      // Gone (404): it lapsed or someone deleted it between the list and the renewal.
      if (options.renewGone && found) subscriptions.splice(subscriptions.indexOf(found), 1);
      if (!found || options.renewGone) return undefined;
      found.expirationDateTime = expirationDateTime;
      return found;
    },
    reauthorize: async () => undefined,
    delete: async (id) => {
      calls.push(`delete ${id}`);
      subscriptions.splice(subscriptions.findIndex((subscription) => subscription.id === id), 1);
    },
  };
  return { port, subscriptions, calls };
}

const ours = (id: string, expiresInMinutes: number, extra: Partial<Subscription> = {}): Subscription => ({
  id,
  resource: inboxResource(settings.inboxAddress),
  changeType: 'created',
  notificationUrl: settings.notificationUrl,
  lifecycleNotificationUrl: settings.lifecycleNotificationUrl,
  expirationDateTime: inFuture(expiresInMinutes),
  ...extra,
});

describe('keeping one inbox subscription alive', () => {
  it('creates one when there is none', async () => {
    const world = subscriptionsWorld([]);
    expect(await maintainInboxSubscription(world.port, settings, now)).toBe('created');
    expect(world.subscriptions).toHaveLength(1);
  });

  it('leaves a subscription with days to run, and renews one close to expiry', async () => {
    expect(await maintainInboxSubscription(subscriptionsWorld([ours('a', 7 * 24 * 60)]).port, settings, now)).toBe('current');
    const closing = subscriptionsWorld([ours('a', 60)]);
    expect(await maintainInboxSubscription(closing.port, settings, now)).toBe('renewed');
    expect(closing.calls).toEqual(['renew a']);
  });

  it('creates a new one when renewal finds the subscription gone', async () => {
    const world = subscriptionsWorld([ours('a', 60)], { renewGone: true });
    expect(await maintainInboxSubscription(world.port, settings, now)).toBe('created');
    expect(world.calls).toEqual(['renew a', 'create']);
  });

  it('replaces one pointing elsewhere, and keeps only the lowest id of duplicates', async () => {
    const stale = subscriptionsWorld([ours('a', 60, { notificationUrl: 'https://old.example/api/notifications' })]);
    expect(await maintainInboxSubscription(stale.port, settings, now)).toBe('replaced');
    expect(stale.calls).toEqual(['delete a', 'create']);

    const twice = subscriptionsWorld([ours('b', 7 * 24 * 60), ours('a', 7 * 24 * 60)]);
    expect(await maintainInboxSubscription(twice.port, settings, now)).toBe('current');
    expect(twice.subscriptions.map((subscription) => subscription.id)).toEqual(['a']);
  });

  it('deletes a duplicate another instance created at the same moment', async () => {
    const world = subscriptionsWorld([], { createAlsoMakes: ours('s099', 10_000) });
    expect(await maintainInboxSubscription(world.port, settings, now)).toBe('created');
    expect(world.subscriptions.map((subscription) => subscription.id)).toEqual(['s099']);
  });

  it('reports a refusal (the sweep then finds every email) and passes on other failures', async () => {
    expect(await maintainInboxSubscription(subscriptionsWorld([], { refuse: true }).port, settings, now)).toBe('refused');
    const broken = subscriptionsWorld([]);
    broken.port.create = async () => {
      throw new Error('500');
    };
    await expect(maintainInboxSubscription(broken.port, settings, now)).rejects.toThrow('500');
  });
});

describe('sweeping faster while Graph refuses the subscription', () => {
  const cadence = { everyMinutes: 5, withoutNotificationsEveryMinutes: 1 };

  it('tells staff once per refusal, again only after the subscription worked in between, and sweeps every minute meanwhile', async () => {
    const values = new Map<string, string>();
    const state = { get: async (name: string) => values.get(name), set: async (name: string, value: string) => void values.set(name, value) };
    const cards: unknown[] = [];
    const deps = { state, staff: { post: async (card: unknown) => void cards.push(card) }, inboxAddress: settings.inboxAddress, cadence };
    const at = (minute: number): Date => new Date(Date.UTC(2027, 2, 2, 10, minute));

    expect(await isSweepDue(state, cadence, at(3))).toBe(false);
    await recordSubscriptionOutcome('refused', deps);
    await recordSubscriptionOutcome('refused', deps);
    expect(cards).toHaveLength(1);
    expect(JSON.stringify(cards[0])).toContain('every 1 minute instead');
    expect(await isSweepDue(state, cadence, at(3))).toBe(true);

    await recordSubscriptionOutcome('created', deps);
    expect(await isSweepDue(state, cadence, at(3))).toBe(false);
    expect(await isSweepDue(state, cadence, at(5))).toBe(true);
    await recordSubscriptionOutcome('refused', deps);
    expect(cards).toHaveLength(2);
  });
});
