import { ResponseType } from '@microsoft/microsoft-graph-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { EmulatorState } from '../../dev/emulator-client.js';
import { inbox, otherMailbox, startTestEmulator } from '../support/emulator.js';
import type { TestEmulator } from '../support/emulator.js';
import { extraApp, graphError, secretOf } from './support/clients.js';
import { NotificationReceiver } from './support/receiver.js';

/**
 * Change notifications for Outlook messages (facts file §1, traps 1–6):
 * https://learn.microsoft.com/graph/api/subscription-post-subscriptions ,
 * https://learn.microsoft.com/graph/change-notifications-delivery-webhooks ,
 * https://learn.microsoft.com/graph/change-notifications-lifecycle-events .
 */
interface Subscription {
  id: string;
  resource: string;
  applicationId: string;
  changeType: string;
  clientState: string | null;
  notificationUrl: string;
  lifecycleNotificationUrl: string | null;
  expirationDateTime: string;
  creatorId: string;
  latestSupportedTlsVersion: string;
}

interface ChangeNotification {
  id: string;
  subscriptionId: string;
  subscriptionExpirationDateTime: string;
  changeType: string;
  resource: string;
  clientState: string | null;
  tenantId: string;
  resourceData: { '@odata.type': string; '@odata.id': string; '@odata.etag': string; id: string };
}

interface LifecycleNotification {
  subscriptionId: string;
  subscriptionExpirationDateTime: string;
  tenantId: string;
  clientState: string | null;
  lifecycleEvent: string;
}

const inboxResource = `users/${inbox}/mailFolders('inbox')/messages`;
const reader = extraApp('7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c41', 'Tenant mail reader', ['Mail.Read']);
const minutes = (count: number): number => count * 60_000;

describe('subscriptions and change notifications for messages', () => {
  let env: TestEmulator;
  const receiver = new NotificationReceiver();
  let pathCounter = 0;
  /** A fresh endpoint path per use, so tests never see each other's posts. */
  const endpoint = (behaviour: Parameters<NotificationReceiver['endpoint']>[1] = {}): { url: string; path: string } => {
    pathCounter += 1;
    const path = `/notify-${pathCounter}`;
    return { url: receiver.endpoint(path, behaviour), path };
  };
  const emulatorNow = async (): Promise<number> => Date.parse((await env.control.state<EmulatorState>()).now);
  const expiresIn = async (ms: number): Promise<string> => new Date((await emulatorNow()) + ms).toISOString();
  const create = async (body: Record<string, unknown>): Promise<Subscription> => (await env.graph.api('/subscriptions').post(body)) as Subscription;
  const subscribe = async (extra: Record<string, unknown> = {}): Promise<{ subscription: Subscription; path: string; lifecyclePath: string }> => {
    const change = endpoint();
    const lifecycle = endpoint();
    const subscription = await create({
      changeType: 'created',
      notificationUrl: change.url,
      lifecycleNotificationUrl: lifecycle.url,
      resource: inboxResource,
      expirationDateTime: await expiresIn(minutes(120)),
      clientState: 'weqs-client-state',
      ...extra,
    });
    return { subscription, path: change.path, lifecyclePath: lifecycle.path };
  };
  const deliver = (subject: string) => env.control.deliver({ from: { address: 'jo@trust.example' }, subject, body: subject });
  const notifications = (path: string) => receiver.values(path) as unknown as ChangeNotification[];
  const lifecycleEvents = (path: string) => receiver.values(path) as unknown as LifecycleNotification[];
  /**
   * The emulator decides which notifications a change makes as the change happens (held back while
   * reauthorization is due, none for a removed or expired subscription). This waits until each of
   * them for the subscription has been delivered, dropped or given up, and returns the record.
   */
  const settledDeliveries = async (subscriptionId: string): Promise<EmulatorState['notifications']> => {
    let deliveries: EmulatorState['notifications'] = [];
    await vi.waitFor(async () => {
      deliveries = (await env.control.state<EmulatorState>()).notifications.filter((entry) => entry.subscriptionId === subscriptionId && entry.kind === 'change');
      expect(deliveries.filter((entry) => entry.status === 'pending')).toEqual([]);
    }, { timeout: 3_000, interval: 20 });
    return deliveries;
  };

  beforeAll(async () => {
    await receiver.start();
    env = await startTestEmulator({
      tuning: { notificationRetryDelaysMs: [50, 100] },
      // The 409 reading of a repeated subscription (duplicateSubscriptions); the default creates a
      // second one, covered by test/integration/subscription-readings.test.ts. Sent Items copies are
      // still filed after the send, but soon enough not to slow the test that waits for one.
      tenant: (seed) => ({ ...seed, applications: [...seed.applications, reader], behaviour: { ...seed.behaviour, duplicateSubscriptions: 'conflict', sentItemsDelayMs: 50 } }),
    });
  });
  afterAll(async () => {
    await env.stop();
    await receiver.stop();
  });
  beforeEach(async () => {
    await env.control.call('POST', '/_emulator/reset');
  });

  describe('POST /subscriptions', () => {
    it('validates the endpoint with a POST ?validationToken= and returns 201 with the subscription', async () => {
      const change = endpoint();
      const expirationDateTime = await expiresIn(minutes(24 * 60));
      const response = (await env.graph
        .api('/subscriptions')
        .responseType(ResponseType.RAW)
        .post({ changeType: 'created', notificationUrl: change.url, resource: inboxResource, expirationDateTime, clientState: 'secret-state' })) as Response;
      expect(response.status).toBe(201);
      const subscription = (await response.json()) as Subscription & Record<string, unknown>;
      expect(subscription).toMatchObject({
        resource: inboxResource,
        changeType: 'created',
        clientState: 'secret-state',
        notificationUrl: change.url,
        lifecycleNotificationUrl: null,
        // Graph writes seven fractional digits (subscription resource samples).
        expirationDateTime: new Date(expirationDateTime).toISOString().replace(/Z$/, '0000Z'),
        applicationId: env.tenant.applications[0]?.clientId,
        latestSupportedTlsVersion: 'v1_2',
        includeResourceData: null,
        encryptionCertificate: null,
      });
      expect(subscription.id).toMatch(/^[0-9a-f-]{36}$/);
      const [validation] = receiver.validations(change.path);
      expect(validation?.method).toBe('POST');
      expect(validation?.contentType).toMatch(/^text\/plain/);
      expect(receiver.notifications(change.path)).toHaveLength(0);
      const fetched = (await env.graph.api(`/subscriptions/${subscription.id}`).get()) as Subscription;
      expect(fetched.id).toBe(subscription.id);
    });

    it.each([
      ['echoes the wrong body', 'wrong-body'],
      ['answers 500', 'status-500'],
      ['answers application/json', 'json'],
      ['returns the token still URL-encoded', 'encoded'],
    ] as const)('returns 400 and creates nothing when the endpoint %s', async (_label, mode) => {
      const change = endpoint({ validation: mode });
      const error = await graphError(create({ changeType: 'created', notificationUrl: change.url, resource: inboxResource, expirationDateTime: await expiresIn(minutes(60)) }));
      expect(error.statusCode).toBe(400);
      expect(error.code).toBe('ValidationError');
      expect(receiver.validations(change.path)).toHaveLength(1);
      expect(((await env.graph.api('/subscriptions').get()) as { value: unknown[] }).value).toEqual([]);
    });

    it('validates the lifecycleNotificationUrl too, and fails creation when it does not echo', async () => {
      const change = endpoint();
      const lifecycle = endpoint({ validation: 'wrong-body' });
      const error = await graphError(create({ changeType: 'created', notificationUrl: change.url, lifecycleNotificationUrl: lifecycle.url, resource: inboxResource, expirationDateTime: await expiresIn(minutes(60)) }));
      expect([error.statusCode, error.code]).toEqual([400, 'ValidationError']);
      expect(receiver.validations(lifecycle.path)).toHaveLength(1);

      const { subscription, lifecyclePath } = await subscribe();
      expect(subscription.lifecycleNotificationUrl).toContain(lifecyclePath);
      expect(receiver.validations(lifecyclePath)).toHaveLength(1);
    });

    it('raises an expiry under 45 minutes to 45 minutes from now', async () => {
      const { subscription } = await subscribe({ expirationDateTime: await expiresIn(minutes(10)) });
      const expected = (await emulatorNow()) + minutes(45);
      expect(Math.abs(Date.parse(subscription.expirationDateTime) - expected)).toBeLessThan(5_000);
    });

    it('accepts up to 10,080 minutes and answers more with 400 ExtensionError', async () => {
      const error = await graphError(subscribe({ expirationDateTime: await expiresIn(minutes(10_080) + minutes(5)) }));
      expect([error.statusCode, error.code]).toEqual([400, 'ExtensionError']);
      expect(error.message).toBe('Subscription expiration can only be 10080 minutes in the future.');
      const { subscription } = await subscribe({ expirationDateTime: await expiresIn(minutes(10_079)) });
      expect(subscription.id).toBeTruthy();
    });

    it('returns 409 when the same changeType and resource are already subscribed', async () => {
      const { subscription } = await subscribe();
      const error = await graphError(subscribe());
      expect(error.statusCode).toBe(409);
      expect(error.message).toBe(`Subscription Id ${subscription.id} already exists for the requested combination`);
    });

    it('returns 400 for a clientState longer than 128 characters', async () => {
      const error = await graphError(subscribe({ clientState: 'x'.repeat(129) }));
      expect(error.statusCode).toBe(400);
    });

    it('returns 400 for a notification URL that is not HTTPS', async () => {
      const error = await graphError(create({ changeType: 'created', notificationUrl: 'http://example.org/notify', resource: inboxResource, expirationDateTime: await expiresIn(minutes(60)) }));
      expect(error.statusCode).toBe(400);
    });

    it('returns 403 ErrorAccessDenied for a mailbox outside the app RBAC scope', async () => {
      const change = endpoint();
      const error = await graphError(create({ changeType: 'created', notificationUrl: change.url, resource: `users/${otherMailbox}/messages`, expirationDateTime: await expiresIn(minutes(60)) }));
      expect([error.statusCode, error.code]).toEqual([403, 'ErrorAccessDenied']);
      expect(receiver.validations(change.path)).toHaveLength(0);
    });
  });

  describe('managing a subscription', () => {
    it('renews with PATCH expirationDateTime: 200 and the new expiry', async () => {
      const { subscription } = await subscribe();
      const renewedTo = await expiresIn(minutes(3 * 24 * 60));
      const response = (await env.graph.api(`/subscriptions/${subscription.id}`).responseType(ResponseType.RAW).patch({ expirationDateTime: renewedTo })) as Response;
      expect(response.status).toBe(200);
      const renewed = (await response.json()) as Subscription;
      expect(renewed.id).toBe(subscription.id);
      expect(renewed.expirationDateTime).toBe(new Date(renewedTo).toISOString().replace(/Z$/, '0000Z'));
    });

    it('answers PATCH with an empty body with 400', async () => {
      const { subscription } = await subscribe();
      const error = await graphError(env.graph.api(`/subscriptions/${subscription.id}`).patch({}));
      expect(error.statusCode).toBe(400);
      expect(error.message).toBe("Subscription must contain either the 'expirationDateTime' or 'notificationUrl' property and its value.");
    });

    it('refuses to add a lifecycleNotificationUrl by PATCH', async () => {
      const { subscription } = await subscribe();
      const error = await graphError(env.graph.api(`/subscriptions/${subscription.id}`).patch({ lifecycleNotificationUrl: endpoint().url }));
      expect(error.statusCode).toBe(400);
    });

    it('reauthorizes with 204 and an empty body', async () => {
      const { subscription } = await subscribe();
      const response = (await env.graph.api(`/subscriptions/${subscription.id}/reauthorize`).responseType(ResponseType.RAW).post(undefined)) as Response;
      expect(response.status).toBe(204);
      expect(await response.text()).toBe('');
    });

    it('deletes with 204; afterwards GET and DELETE return 404', async () => {
      const { subscription } = await subscribe();
      const response = (await env.graph.api(`/subscriptions/${subscription.id}`).responseType(ResponseType.RAW).delete()) as Response;
      expect(response.status).toBe(204);
      const get = await graphError(env.graph.api(`/subscriptions/${subscription.id}`).get());
      expect(get.statusCode).toBe(404);
      const again = await graphError(env.graph.api(`/subscriptions/${subscription.id}`).delete());
      expect(again.statusCode).toBe(404);
    });

    it('lists only the subscriptions the calling app created', async () => {
      const { subscription } = await subscribe();
      const readerClient = env.graphAs(reader.clientId, secretOf(reader));
      const theirs = (await readerClient.api('/subscriptions').post({ changeType: 'created', notificationUrl: endpoint().url, resource: `users/${otherMailbox}/messages`, expirationDateTime: await expiresIn(minutes(60)) })) as Subscription;
      const mine = (await env.graph.api('/subscriptions').get()) as { value: Subscription[] };
      expect(mine.value.map((entry) => entry.id)).toEqual([subscription.id]);
      const readerList = (await readerClient.api('/subscriptions').get()) as { value: Subscription[] };
      expect(readerList.value.map((entry) => entry.id)).toEqual([theirs.id]);
      const hidden = await graphError(readerClient.api(`/subscriptions/${subscription.id}`).get());
      expect(hidden.statusCode).toBe(404);
    });
  });

  describe('change notifications', () => {
    it('puts notifications for one URL raised together in one POST, across subscriptions and apps, each with its own clientState', async () => {
      const shared = endpoint();
      const mine = await create({ changeType: 'created', notificationUrl: shared.url, resource: inboxResource, expirationDateTime: await expiresIn(minutes(120)), clientState: 'weqs-client-state' });
      const readerClient = env.graphAs(reader.clientId, secretOf(reader));
      const theirs = (await readerClient.api('/subscriptions').post({ changeType: 'created', notificationUrl: shared.url, resource: inboxResource, expirationDateTime: await expiresIn(minutes(120)), clientState: 'their-state' })) as Subscription;
      const { id } = await deliver('Two subscribers');
      await vi.waitFor(() => expect(notifications(shared.path)).toHaveLength(2), { timeout: 3_000, interval: 20 });
      expect(receiver.notifications(shared.path)).toHaveLength(1);
      expect(notifications(shared.path).map((notification) => [notification.subscriptionId, notification.clientState, notification.resourceData.id]).sort()).toEqual(
        [
          [mine.id, 'weqs-client-state', id],
          [theirs.id, 'their-state', id],
        ].sort(),
      );
      const state = await env.control.state<EmulatorState>();
      expect(state.notifications.map((delivery) => delivery.batchSize)).toEqual([2, 2]);
    });

    it('POSTs a created notification with clientState and resourceData.id when mail arrives', async () => {
      const { subscription, path } = await subscribe();
      const { id } = await deliver('New application');
      await vi.waitFor(() => expect(notifications(path)).toHaveLength(1), { timeout: 3_000, interval: 20 });
      const [post] = receiver.notifications(path);
      expect(post?.contentType).toMatch(/^application\/json/);
      const [notification] = notifications(path);
      expect(notification).toMatchObject({
        subscriptionId: subscription.id,
        subscriptionExpirationDateTime: subscription.expirationDateTime,
        changeType: 'created',
        clientState: 'weqs-client-state',
        tenantId: env.tenant.tenantId,
        resourceData: { '@odata.type': '#Microsoft.Graph.Message', id },
      });
      expect(notification?.resource).toContain(id);
      const message = (await env.graph.api(`/users/${inbox}/messages/${notification?.resourceData.id ?? ''}`).select('subject').get()) as { subject: string };
      expect(message.subject).toBe('New application');
    });

    it('notifies your own PATCH as updated and a move out of the folder as deleted (created,updated,deleted)', async () => {
      const { subscription, path } = await subscribe({ changeType: 'created,updated,deleted' });
      const { id } = await deliver('Watch me');
      await env.graph.api(`/users/${inbox}/messages/${id}`).patch({ categories: ['WEX-Processed'] });
      await env.graph.api(`/users/${inbox}/messages/${id}/move`).post({ destinationId: 'archive' });
      await vi.waitFor(() => expect(notifications(path)).toHaveLength(3), { timeout: 3_000, interval: 20 });
      expect(notifications(path).map((notification) => [notification.changeType, notification.resourceData.id, notification.subscriptionId])).toEqual([
        ['created', id, subscription.id],
        ['updated', id, subscription.id],
        ['deleted', id, subscription.id],
      ]);
    });

    it('does not notify a created-only subscription about updates, nor about other folders', async () => {
      const { subscription, path } = await subscribe();
      const { id } = await deliver('Only once');
      await env.graph.api(`/users/${inbox}/messages/${id}`).patch({ isRead: true });
      await env.graph.api(`/users/${inbox}/sendMail`).post({ message: { subject: 'x', body: { contentType: 'Text', content: 'x' }, toRecipients: [{ emailAddress: { address: 'a@b.example' } }] } });
      await vi.waitFor(() => expect(notifications(path)).toHaveLength(1), { timeout: 3_000, interval: 20 });
      // Exchange files the Sent Items copy a while after the send: only then has the other folder changed.
      await vi.waitFor(async () => expect((await env.control.state<EmulatorState>()).mailboxes.find((mailbox) => mailbox.address === inbox)?.folders.sentitems ?? []).toHaveLength(1), { timeout: 3_000, interval: 20 });
      expect(await settledDeliveries(subscription.id)).toHaveLength(1);
      expect(notifications(path).map((notification) => notification.changeType)).toEqual(['created']);
    });

    it('retries an endpoint that answers 5xx until it accepts', async () => {
      const change = endpoint({ statuses: [500, 503] });
      const subscription = await create({ changeType: 'created', notificationUrl: change.url, resource: inboxResource, expirationDateTime: await expiresIn(minutes(60)), clientState: 'retry' });
      const { id } = await deliver('Retried');
      await vi.waitFor(() => expect(receiver.notifications(change.path)).toHaveLength(3), { timeout: 3_000, interval: 20 });
      const resourceIds = receiver.values(change.path).map((notification) => (notification as unknown as ChangeNotification).resourceData.id);
      expect(resourceIds).toEqual([id, id, id]);
      await vi.waitFor(async () => {
        const delivery = (await env.control.state<EmulatorState>()).notifications.find((entry) => entry.subscriptionId === subscription.id);
        expect(delivery).toMatchObject({ status: 'delivered', attempts: 3, kind: 'change' });
      });
    });

    it('gives up as failed once the retries are used up', async () => {
      const change = endpoint({ statuses: [500, 500, 500, 500] });
      const subscription = await create({ changeType: 'created', notificationUrl: change.url, resource: inboxResource, expirationDateTime: await expiresIn(minutes(60)) });
      await deliver('Never accepted');
      await vi.waitFor(async () => {
        const delivery = (await env.control.state<EmulatorState>()).notifications.find((entry) => entry.subscriptionId === subscription.id);
        expect(delivery).toMatchObject({ status: 'failed', attempts: 3 });
      }, { timeout: 3_000, interval: 20 });
      expect(receiver.notifications(change.path)).toHaveLength(3);
    });

    it('loses notifications after POST /_emulator/notifications/drop, as Graph may under throttling', async () => {
      const { subscription, path } = await subscribe();
      await env.control.call('POST', '/_emulator/notifications/drop', { count: 1 });
      const lost = await deliver('Lost');
      const kept = await deliver('Kept');
      await vi.waitFor(() => expect(notifications(path)).toHaveLength(1), { timeout: 3_000, interval: 20 });
      await settledDeliveries(subscription.id);
      expect(notifications(path).map((notification) => notification.resourceData.id)).toEqual([kept.id]);
      const dropped = (await env.control.state<EmulatorState>()).notifications.filter((entry) => entry.subscriptionId === subscription.id && entry.status === 'dropped');
      expect(dropped).toHaveLength(1);
      expect(lost.id).not.toBe(kept.id);
    });

    it('delivers notifications twice after POST /_emulator/notifications/duplicate, as Graph may (no exactly-once promise)', async () => {
      const { subscription, path } = await subscribe();
      await env.control.call('POST', '/_emulator/notifications/duplicate', { count: 1, afterMs: 50 });
      const twice = await deliver('Twice');
      const once = await deliver('Once');
      await vi.waitFor(() => expect(notifications(path)).toHaveLength(3), { timeout: 3_000, interval: 20 });
      await settledDeliveries(subscription.id);
      expect(notifications(path).map((notification) => notification.resourceData.id).sort()).toEqual([twice.id, twice.id, once.id].sort());
    });
  });

  describe('lifecycle notifications', () => {
    const lifecycle = (id: string, event: string) => env.control.call('POST', `/_emulator/subscriptions/${id}/lifecycle`, { event });

    it('reauthorizationRequired: posts the event and holds change notifications until reauthorize', async () => {
      const { subscription, path, lifecyclePath } = await subscribe();
      await lifecycle(subscription.id, 'reauthorizationRequired');
      await vi.waitFor(() => expect(lifecycleEvents(lifecyclePath)).toHaveLength(1), { timeout: 3_000, interval: 20 });
      expect(lifecycleEvents(lifecyclePath)[0]).toEqual({
        subscriptionId: subscription.id,
        subscriptionExpirationDateTime: subscription.expirationDateTime,
        tenantId: env.tenant.tenantId,
        clientState: 'weqs-client-state',
        lifecycleEvent: 'reauthorizationRequired',
      });
      const { id } = await deliver('Held back');
      expect(await settledDeliveries(subscription.id)).toEqual([]);
      expect(notifications(path)).toHaveLength(0);
      await env.graph.api(`/subscriptions/${subscription.id}/reauthorize`).post(undefined);
      await vi.waitFor(() => expect(notifications(path).map((notification) => notification.resourceData.id)).toEqual([id]), { timeout: 3_000, interval: 20 });
    });

    it('reauthorizationRequired: renewing by PATCH also releases the held notifications', async () => {
      const { subscription, path } = await subscribe();
      await lifecycle(subscription.id, 'reauthorizationRequired');
      const { id } = await deliver('Held until renewal');
      expect(await settledDeliveries(subscription.id)).toEqual([]);
      expect(notifications(path)).toHaveLength(0);
      await env.graph.api(`/subscriptions/${subscription.id}`).patch({ expirationDateTime: await expiresIn(minutes(240)) });
      await vi.waitFor(() => expect(notifications(path).map((notification) => notification.resourceData.id)).toEqual([id]), { timeout: 3_000, interval: 20 });
    });

    it('subscriptionRemoved: posts the event and the subscription is gone (404)', async () => {
      const { subscription, path, lifecyclePath } = await subscribe();
      await lifecycle(subscription.id, 'subscriptionRemoved');
      await vi.waitFor(() => expect(lifecycleEvents(lifecyclePath).map((event) => event.lifecycleEvent)).toEqual(['subscriptionRemoved']), { timeout: 3_000, interval: 20 });
      const error = await graphError(env.graph.api(`/subscriptions/${subscription.id}`).get());
      expect(error.statusCode).toBe(404);
      await deliver('Nobody listening');
      expect(await settledDeliveries(subscription.id)).toEqual([]);
      expect(notifications(path)).toHaveLength(0);
    });

    it('missed: posts the event and the subscription carries on', async () => {
      const { subscription, path, lifecyclePath } = await subscribe();
      await lifecycle(subscription.id, 'missed');
      await vi.waitFor(() => expect(lifecycleEvents(lifecyclePath).map((event) => [event.lifecycleEvent, event.subscriptionId])).toEqual([['missed', subscription.id]]), { timeout: 3_000, interval: 20 });
      const { id } = await deliver('Still flowing');
      await vi.waitFor(() => expect(notifications(path).map((notification) => notification.resourceData.id)).toEqual([id]), { timeout: 3_000, interval: 20 });
    });
  });

  describe('expiry', () => {
    it('deletes an expired subscription: GET is 404, the list is empty and mail no longer notifies', async () => {
      const { subscription, path } = await subscribe({ expirationDateTime: await expiresIn(minutes(45)) });
      await env.control.call('POST', '/_emulator/clock', { advanceMs: minutes(46) });
      try {
        const error = await graphError(env.graph.api(`/subscriptions/${subscription.id}`).get());
        expect(error.statusCode).toBe(404);
        expect(((await env.graph.api('/subscriptions').get()) as { value: unknown[] }).value).toEqual([]);
        const renew = await graphError(env.graph.api(`/subscriptions/${subscription.id}`).patch({ expirationDateTime: await expiresIn(minutes(60)) }));
        expect(renew.statusCode).toBe(404);
        await deliver('Too late');
        expect(await settledDeliveries(subscription.id)).toEqual([]);
        expect(notifications(path)).toHaveLength(0);
      } finally {
        await env.control.call('POST', '/_emulator/clock', { set: new Date().toISOString() });
      }
    });
  });
});
