/** A Graph change-notification subscription as weqs needs to see it. */
export interface Subscription {
  id: string;
  resource: string;
  changeType: string;
  notificationUrl: string;
  lifecycleNotificationUrl: string | null;
  expirationDateTime: string;
}

export interface SubscriptionSpec {
  resource: string;
  changeType: string;
  notificationUrl: string;
  lifecycleNotificationUrl: string;
  clientState: string;
  expirationDateTime: string;
}

/** Graph refused to create a subscription for lack of permission (403). */
export class SubscriptionRefused extends Error {}

export interface SubscriptionsPort {
  list(): Promise<Subscription[]>;
  /** One of this app's subscriptions; undefined when Graph has none by that id for this app (404). */
  get(id: string): Promise<Subscription | undefined>;
  /** Resolves to undefined when Graph says the same subscription already exists (409); throws SubscriptionRefused on 403. */
  create(spec: SubscriptionSpec): Promise<Subscription | undefined>;
  /** Resolves to undefined when the subscription no longer exists (404). */
  renew(id: string, expirationDateTime: string): Promise<Subscription | undefined>;
  reauthorize(id: string): Promise<void>;
  delete(id: string): Promise<void>;
}
