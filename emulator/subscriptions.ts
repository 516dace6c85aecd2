import { randomUUID } from 'node:crypto';
import { authorizeMail, authorizeSite } from './auth.js';
import type { EmulatorContext } from './context.js';
import { GraphFault, jsonBody, noContent, ok, route } from './http.js';
import type { EmulatorRequest, EmulatorResponse, Route } from './http.js';
import type { Mailbox, MailChange, StoredMessage } from './mailbox.js';
import { isAcceptableEndpoint, postToEndpoint } from './notifier.js';
import { graphDateTime } from './ids.js';

type Target = { kind: 'mail'; mailbox: Mailbox; folderId?: string } | { kind: 'list'; siteId: string; listId: string };

interface Subscription {
  id: string;
  resource: string;
  changeType: string;
  notificationUrl: string;
  lifecycleNotificationUrl: string | null;
  expirationDateTime: string;
  clientState: string | null;
  applicationId: string;
  creatorId: string;
  latestSupportedTlsVersion: string;
  target: Target;
  needsReauthorization: boolean;
  held: unknown[];
}

export type LifecycleEvent = 'reauthorizationRequired' | 'subscriptionRemoved' | 'missed';

export interface NotificationDelivery {
  subscriptionId: string;
  url: string;
  kind: 'change' | 'lifecycle';
  payload: unknown;
  attempts: number;
  status: 'pending' | 'delivered' | 'dropped' | 'failed';
  lastStatus?: number;
  /** How many notifications went in the POST that carried this one (Graph batches them per URL). */
  batchSize?: number;
}

export interface SubscriptionOptions {
  /** Delays between delivery attempts; Graph keeps retrying for up to 4 hours, the emulator compresses that. */
  retryDelaysMs: number[];
  firstAttemptTimeoutMs: number;
  retryTimeoutMs: number;
  validationTimeoutMs: number;
  /**
   * Notifications for the same URL raised within this window go in one POST, whatever their
   * subscription (and so whatever their clientState): a changeNotificationCollection "can contain
   * a mix of items for various apps and tenants that subscribed using the same notification URL"
   * (https://learn.microsoft.com/graph/api/resources/changenotificationcollection).
   */
  batchWindowMs: number;
  /** The most notifications one POST carries; Graph documents no number. */
  maxBatchSize: number;
}

interface OpenBatch {
  url: string;
  kind: NotificationDelivery['kind'];
  items: { delivery: NotificationDelivery; notification: unknown }[];
}

const maxMinutes = { mail: 10_080, list: 42_300 };
const minimumMailMinutes = 45;

/** https://learn.microsoft.com/graph/api/subscription-post-subscriptions */
export class SubscriptionService {
  private readonly subscriptions = new Map<string, Subscription>();
  readonly deliveries: NotificationDelivery[] = [];
  private dropBudget = 0;
  private duplicateBudget = 0;
  private duplicateAfterMs = 0;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly openBatches = new Map<string, OpenBatch>();
  private closed = false;

  constructor(
    private readonly context: EmulatorContext,
    private readonly options: SubscriptionOptions,
  ) {}

  /** The next `count` change notifications are lost, as Graph may lose them under throttling. */
  dropNext(count: number): void {
    this.dropBudget += count;
  }

  /**
   * The next `count` change notifications are delivered twice, the second time `afterMs` later:
   * Graph does not promise exactly-once delivery ("your app should be able to handle duplicate
   * notifications": https://learn.microsoft.com/graph/change-notifications-delivery-webhooks).
   */
  duplicateNext(count: number, afterMs: number): void {
    this.duplicateBudget += count;
    this.duplicateAfterMs = afterMs;
  }

  /** Every live subscription (for the control API's state), or only the ones `applicationId` created. */
  list(applicationId?: string): Record<string, unknown>[] {
    this.purgeExpired();
    return [...this.subscriptions.values()]
      .filter((subscription) => applicationId === undefined || subscription.applicationId === applicationId)
      .map((subscription) => this.resource(subscription));
  }

  private resource(subscription: Subscription): Record<string, unknown> {
    return {
      '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#subscriptions/$entity',
      id: subscription.id,
      resource: subscription.resource,
      applicationId: subscription.applicationId,
      changeType: subscription.changeType,
      clientState: subscription.clientState,
      notificationUrl: subscription.notificationUrl,
      notificationQueryOptions: null,
      lifecycleNotificationUrl: subscription.lifecycleNotificationUrl,
      expirationDateTime: graphDateTime.subscription(subscription.expirationDateTime),
      creatorId: subscription.creatorId,
      includeResourceData: null,
      latestSupportedTlsVersion: subscription.latestSupportedTlsVersion,
      encryptionCertificate: null,
      encryptionCertificateId: null,
      notificationUrlAppId: null,
    };
  }

  private purgeExpired(): void {
    const now = this.context.clock.now().toISOString();
    for (const [id, subscription] of this.subscriptions) {
      if (subscription.expirationDateTime <= now) this.subscriptions.delete(id);
    }
  }

  /** With `request`, another app's subscription is as invisible as a missing one (list doc: app-only callers see their own). */
  private find(id: string, request?: EmulatorRequest): Subscription {
    this.purgeExpired();
    const subscription = this.subscriptions.get(id);
    if (!subscription || (request && subscription.applicationId !== this.context.claims(request).appid)) throw new GraphFault(404, 'ResourceNotFound', `The object was not found. Subscription '${id}' does not exist or has expired.`);
    return subscription;
  }

  private parseTarget(request: EmulatorRequest, resource: string): Target {
    const path = resource.replace(/^\//, '').split('?')[0] ?? '';
    if (/^me\//i.test(path)) throw new GraphFault(400, 'InvalidRequest', '/me request is only valid with delegated authentication flow.');
    const mail = /^users\/([^/]+)\/(?:mailFolders(?:\('([^']+)'\)|\/([^/]+))\/)?messages$/i.exec(path);
    if (mail) {
      const mailbox = this.context.mail.resolve(decodeURIComponent(mail[1] ?? ''));
      authorizeMail(this.context.app(request), this.context.claims(request), mailbox.address, 'read');
      if (this.context.tenant.behaviour.mailboxSubscriptionsNeedTenantWideMailRead && !this.context.claims(request).roles.some((role) => ['Mail.Read', 'Mail.ReadWrite', 'Mail.ReadBasic.All'].includes(role))) {
        throw new GraphFault(403, 'ExtensionError', 'Operation: Create; Exception: [Status Code: Forbidden; Reason: Access is denied. Check credentials and try again.]');
      }
      const folderName = mail[2] ?? mail[3];
      return { kind: 'mail', mailbox, ...(folderName ? { folderId: mailbox.folder(folderName).id } : {}) };
    }
    const list = /^sites\/([^/]+)\/lists\/([^/]+)$/i.exec(path);
    if (list) {
      const site = this.context.sharepoint.site(decodeURIComponent(list[1] ?? ''));
      authorizeSite(this.context.app(request), this.context.claims(request), site.path, 'read');
      const target = this.context.sharepoint.list(site, decodeURIComponent(list[2] ?? ''));
      return { kind: 'list', siteId: site.id, listId: target.id };
    }
    throw new GraphFault(400, 'InvalidRequest', `Resource '${resource}' is not supported for change notifications.`);
  }

  private expiry(value: unknown, kind: Target['kind']): string {
    const requested = typeof value === 'string' ? Date.parse(value) : Number.NaN;
    if (Number.isNaN(requested)) throw new GraphFault(400, 'InvalidRequest', "The 'expirationDateTime' property is required and must be a date-time.");
    const now = this.context.clock.now().getTime();
    if (requested <= now) throw new GraphFault(400, 'InvalidRequest', 'Subscription expiration must be in the future.');
    const max = maxMinutes[kind];
    if (requested > now + max * 60_000) throw new GraphFault(400, 'ExtensionError', `Subscription expiration can only be ${max} minutes in the future.`);
    // Outlook raises an expiry under 45 minutes to 45 minutes from now (https://learn.microsoft.com/graph/api/resources/subscription#subscription-lifetime).
    const earliest = kind === 'mail' ? now + minimumMailMinutes * 60_000 : requested;
    return new Date(Math.max(requested, earliest)).toISOString();
  }

  /** Graph POSTs `?validationToken=` and expects the decoded token back as text/plain within 10 s. */
  private async validateEndpoint(url: string): Promise<void> {
    const token = `Validation: Testing client application reachability for subscription Request-Id: ${randomUUID()}`;
    const separator = url.includes('?') ? '&' : '?';
    let result;
    try {
      result = await postToEndpoint(`${url}${separator}validationToken=${encodeURIComponent(token)}`, '', 'text/plain; charset=utf-8', this.options.validationTimeoutMs);
    } catch {
      throw new GraphFault(400, 'ValidationError', 'Subscription validation request timed out.');
    }
    if (result.status !== 200) {
      throw new GraphFault(400, 'ValidationError', `Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request. Response status code: ${result.status}.`);
    }
    if (result.body !== token || !result.contentType.toLowerCase().startsWith('text/plain')) {
      throw new GraphFault(400, 'ValidationError', 'Subscription validation request failed. Response must exactly match validationToken query parameter.');
    }
  }

  async create(request: EmulatorRequest): Promise<EmulatorResponse> {
    const json = jsonBody(request);
    const { changeType, notificationUrl, resource, clientState, lifecycleNotificationUrl } = json;
    if (typeof changeType !== 'string' || typeof notificationUrl !== 'string' || typeof resource !== 'string') {
      throw new GraphFault(400, 'InvalidRequest', "The 'changeType', 'notificationUrl' and 'resource' properties are required.");
    }
    if (clientState !== undefined && (typeof clientState !== 'string' || clientState.length > 128)) {
      throw new GraphFault(400, 'InvalidRequest', 'clientState must be a string of at most 128 characters.');
    }
    const changeTypes = changeType.split(',').map((type) => type.trim());
    if (changeTypes.some((type) => !['created', 'updated', 'deleted'].includes(type))) {
      throw new GraphFault(400, 'InvalidRequest', `Invalid changeType '${changeType}'.`);
    }
    for (const url of [notificationUrl, lifecycleNotificationUrl]) {
      if (url !== undefined && (typeof url !== 'string' || !isAcceptableEndpoint(url))) {
        throw new GraphFault(400, 'InvalidRequest', `The notification URL '${String(url)}' must be an HTTPS URL.`);
      }
    }
    const target = this.parseTarget(request, resource);
    if (target.kind === 'list' && changeTypes.some((type) => type !== 'updated')) {
      throw new GraphFault(400, 'InvalidRequest', "Only the 'updated' changeType is supported for lists.");
    }
    const expirationDateTime = this.expiry(json.expirationDateTime, target.kind);
    this.purgeExpired();
    const normalisedResource = resource.toLowerCase().replace(/^\//, '');
    const appId = this.context.claims(request).appid;
    const existing = [...this.subscriptions.values()].find(
      (candidate) => candidate.applicationId === appId && candidate.changeType === changeType && candidate.resource.toLowerCase().replace(/^\//, '') === normalisedResource,
    );
    if (existing && this.context.tenant.behaviour.duplicateSubscriptions === 'conflict') throw new GraphFault(409, 'Conflict', `Subscription Id ${existing.id} already exists for the requested combination`);
    await this.validateEndpoint(notificationUrl);
    if (typeof lifecycleNotificationUrl === 'string') await this.validateEndpoint(lifecycleNotificationUrl);
    const subscription: Subscription = {
      id: randomUUID(),
      resource,
      changeType,
      notificationUrl,
      lifecycleNotificationUrl: typeof lifecycleNotificationUrl === 'string' ? lifecycleNotificationUrl : null,
      expirationDateTime,
      clientState: typeof clientState === 'string' ? clientState : null,
      applicationId: appId,
      creatorId: appId,
      latestSupportedTlsVersion: typeof json.latestSupportedTlsVersion === 'string' ? json.latestSupportedTlsVersion : 'v1_2',
      target,
      needsReauthorization: false,
      held: [],
    };
    this.subscriptions.set(subscription.id, subscription);
    return ok(this.resource(subscription), 201);
  }

  get(request: EmulatorRequest, id: string): EmulatorResponse {
    return ok(this.resource(this.find(id, request)));
  }

  async renew(request: EmulatorRequest, id: string): Promise<EmulatorResponse> {
    const subscription = this.find(id, request);
    const json = jsonBody(request);
    if (json.expirationDateTime === undefined && json.notificationUrl === undefined) {
      throw new GraphFault(400, 'InvalidRequest', "Subscription must contain either the 'expirationDateTime' or 'notificationUrl' property and its value.");
    }
    if (json.lifecycleNotificationUrl !== undefined) {
      throw new GraphFault(400, 'InvalidRequest', 'lifecycleNotificationUrl can only be set when the subscription is created.');
    }
    if (json.expirationDateTime !== undefined) subscription.expirationDateTime = this.expiry(json.expirationDateTime, subscription.target.kind);
    if (typeof json.notificationUrl === 'string') {
      await this.validateEndpoint(json.notificationUrl);
      subscription.notificationUrl = json.notificationUrl;
    }
    this.reauthorized(subscription);
    return ok(this.resource(subscription));
  }

  reauthorize(request: EmulatorRequest, id: string): EmulatorResponse {
    this.reauthorized(this.find(id, request));
    return noContent(204);
  }

  remove(request: EmulatorRequest, id: string): EmulatorResponse {
    this.find(id, request);
    this.subscriptions.delete(id);
    return noContent(204);
  }

  /** Renewing or reauthorizing resumes delivery of what was held while authorization lapsed. */
  private reauthorized(subscription: Subscription): void {
    subscription.needsReauthorization = false;
    const held = subscription.held.splice(0);
    for (const payload of held) this.deliver(subscription, subscription.notificationUrl, 'change', payload);
  }

  mailChanged(mailbox: Mailbox, message: StoredMessage, change: MailChange): void {
    this.purgeExpired();
    for (const subscription of this.subscriptions.values()) {
      const { target } = subscription;
      if (target.kind !== 'mail' || target.mailbox !== mailbox) continue;
      if (target.folderId !== undefined && target.folderId !== message.folderId) continue;
      if (!subscription.changeType.split(',').map((type) => type.trim()).includes(change)) continue;
      this.notify(subscription, {
        id: randomUUID(),
        subscriptionId: subscription.id,
        subscriptionExpirationDateTime: graphDateTime.subscription(subscription.expirationDateTime),
        changeType: change,
        resource: `Users/${mailbox.id}/Messages/${message.id}`,
        clientState: subscription.clientState,
        tenantId: this.context.tenant.tenantId,
        resourceData: {
          '@odata.type': '#Microsoft.Graph.Message',
          '@odata.id': `Users/${mailbox.id}/Messages/${message.id}`,
          '@odata.etag': `W/"${message.changeKey}"`,
          id: message.id,
        },
      });
    }
  }

  listChanged(siteId: string, listId: string): void {
    this.purgeExpired();
    for (const subscription of this.subscriptions.values()) {
      const { target } = subscription;
      if (target.kind !== 'list' || target.listId !== listId) continue;
      this.notify(subscription, {
        id: randomUUID(),
        subscriptionId: subscription.id,
        subscriptionExpirationDateTime: graphDateTime.subscription(subscription.expirationDateTime),
        changeType: 'updated',
        resource: `sites/${siteId}/lists/${listId}`,
        clientState: subscription.clientState,
        tenantId: this.context.tenant.tenantId,
        resourceData: null,
      });
    }
  }

  private notify(subscription: Subscription, notification: unknown): void {
    if (subscription.needsReauthorization) {
      subscription.held.push(notification);
      return;
    }
    if (this.dropBudget > 0) {
      this.dropBudget -= 1;
      this.deliveries.push({ subscriptionId: subscription.id, url: subscription.notificationUrl, kind: 'change', payload: notification, attempts: 0, status: 'dropped' });
      return;
    }
    this.deliver(subscription, subscription.notificationUrl, 'change', notification);
    if (this.duplicateBudget > 0) {
      this.duplicateBudget -= 1;
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        if (!this.closed) this.deliver(subscription, subscription.notificationUrl, 'change', notification);
      }, this.duplicateAfterMs);
      this.timers.add(timer);
    }
  }

  /** https://learn.microsoft.com/graph/change-notifications-lifecycle-events */
  lifecycle(id: string, event: LifecycleEvent): void {
    const subscription = this.find(id);
    if (event === 'reauthorizationRequired') subscription.needsReauthorization = true;
    if (event === 'subscriptionRemoved') this.subscriptions.delete(id);
    if (!subscription.lifecycleNotificationUrl) return;
    this.deliver(subscription, subscription.lifecycleNotificationUrl, 'lifecycle', {
      subscriptionId: subscription.id,
      subscriptionExpirationDateTime: graphDateTime.subscription(subscription.expirationDateTime),
      tenantId: this.context.tenant.tenantId,
      clientState: subscription.clientState,
      lifecycleEvent: event,
    });
  }

  /**
   * Queues a notification for its URL; the batch is posted when its window closes (or it is full).
   * Every notification keeps its own delivery record, and a retry resends the whole batch, as Graph
   * retries a POST.
   */
  private deliver(subscription: Subscription, url: string, kind: NotificationDelivery['kind'], notification: unknown): void {
    const delivery: NotificationDelivery = { subscriptionId: subscription.id, url, kind, payload: notification, attempts: 0, status: 'pending' };
    this.deliveries.push(delivery);
    const key = `${kind} ${url}`;
    let batch = this.openBatches.get(key);
    if (!batch) {
      const opened: OpenBatch = { url, kind, items: [] };
      batch = opened;
      this.openBatches.set(key, opened);
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        if (this.openBatches.get(key) === opened) this.openBatches.delete(key);
        this.post(opened);
      }, this.options.batchWindowMs);
      this.timers.add(timer);
    }
    batch.items.push({ delivery, notification });
    if (batch.items.length >= this.options.maxBatchSize) this.openBatches.delete(key);
  }

  private post(batch: OpenBatch): void {
    const deliveries = batch.items.map((item) => item.delivery);
    const body = JSON.stringify({ value: batch.items.map((item) => item.notification) });
    const settle = (status: NotificationDelivery['status']): void => deliveries.forEach((delivery) => (delivery.status = status));
    let attempts = 0;
    const attempt = async (): Promise<void> => {
      if (this.closed) return;
      attempts += 1;
      for (const delivery of deliveries) {
        delivery.attempts = attempts;
        delivery.batchSize = deliveries.length;
      }
      const timeout = attempts === 1 ? this.options.firstAttemptTimeoutMs : this.options.retryTimeoutMs;
      try {
        const result = await postToEndpoint(batch.url, body, 'application/json; charset=utf-8', timeout);
        deliveries.forEach((delivery) => (delivery.lastStatus = result.status));
        if (result.status >= 200 && result.status < 300) {
          settle('delivered');
          return;
        }
      } catch {
        deliveries.forEach((delivery) => (delivery.lastStatus = 0));
      }
      const delay = this.options.retryDelaysMs[attempts - 1];
      if (delay === undefined || this.closed) {
        settle('failed');
        return;
      }
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        void attempt();
      }, delay);
      this.timers.add(timer);
    };
    // In the background, as Graph delivers: attempt() records every failure on the delivery and never rejects.
    void attempt();
  }

  reset(): void {
    this.subscriptions.clear();
    this.openBatches.clear();
    this.deliveries.length = 0;
    this.dropBudget = 0;
  }

  close(): void {
    this.closed = true;
    this.openBatches.clear();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}

/** Routes reach the service through the context, so they follow `/_emulator/reset`. */
export function subscriptionRoutes(context: EmulatorContext): Route[] {
  return [
    route('POST', '/subscriptions', (request) => context.subscriptions.create(request)),
    route('GET', '/subscriptions', (request) =>
      ok({
        '@odata.context': `${request.origin}/v1.0/$metadata#subscriptions`,
        value: context.subscriptions.list(context.claims(request).appid).map(({ '@odata.context': _context, ...rest }) => rest),
      }),
    ),
    route('GET', '/subscriptions/([^/]+)', (request, [id = '']) => context.subscriptions.get(request, id)),
    route('PATCH', '/subscriptions/([^/]+)', (request, [id = '']) => context.subscriptions.renew(request, id)),
    route('POST', '/subscriptions/([^/]+)/reauthorize', (request, [id = '']) => context.subscriptions.reauthorize(request, id)),
    route('DELETE', '/subscriptions/([^/]+)', (request, [id = '']) => context.subscriptions.remove(request, id)),
  ];
}
