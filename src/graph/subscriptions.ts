import type { Client } from '@microsoft/microsoft-graph-client';
import type { Subscription as GraphSubscription } from '@microsoft/microsoft-graph-types';
import { SubscriptionRefused } from '../ports/subscriptions.port.js';
import type { Subscription, SubscriptionSpec, SubscriptionsPort } from '../ports/subscriptions.port.js';
import { isGraphError } from './graph-errors.js';

function toSubscription(raw: GraphSubscription): Subscription {
  return {
    id: raw.id ?? '',
    resource: raw.resource ?? '',
    changeType: raw.changeType ?? '',
    notificationUrl: raw.notificationUrl ?? '',
    lifecycleNotificationUrl: raw.lifecycleNotificationUrl ?? null,
    expirationDateTime: raw.expirationDateTime ?? '',
  };
}

/** https://learn.microsoft.com/graph/api/resources/subscription */
export class GraphSubscriptions implements SubscriptionsPort {
  constructor(private readonly graph: Client) {}

  async list(): Promise<Subscription[]> {
    const page = (await this.graph.api('/subscriptions').get()) as { value: GraphSubscription[] };
    return page.value.map(toSubscription);
  }

  /** App-only callers see only the subscriptions their app created: another app's id answers 404. */
  async get(id: string): Promise<Subscription | undefined> {
    try {
      return toSubscription((await this.graph.api(`/subscriptions/${encodeURIComponent(id)}`).get()) as GraphSubscription);
    } catch (error) {
      if (isGraphError(error, 404)) return undefined;
      throw error;
    }
  }

  async create(spec: SubscriptionSpec): Promise<Subscription | undefined> {
    try {
      return toSubscription((await this.graph.api('/subscriptions').post(spec)) as GraphSubscription);
    } catch (error) {
      if (isGraphError(error, 409)) return undefined;
      if (isGraphError(error, 403)) throw new SubscriptionRefused(error.message);
      throw error;
    }
  }

  async renew(id: string, expirationDateTime: string): Promise<Subscription | undefined> {
    try {
      return toSubscription((await this.graph.api(`/subscriptions/${encodeURIComponent(id)}`).patch({ expirationDateTime })) as GraphSubscription);
    } catch (error) {
      if (isGraphError(error, 404)) return undefined;
      throw error;
    }
  }

  async reauthorize(id: string): Promise<void> {
    await this.graph.api(`/subscriptions/${encodeURIComponent(id)}/reauthorize`).post({});
  }

  async delete(id: string): Promise<void> {
    try {
      await this.graph.api(`/subscriptions/${encodeURIComponent(id)}`).delete();
    } catch (error) {
      if (!isGraphError(error, 404)) throw error;
    }
  }
}
