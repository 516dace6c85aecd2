import { createHash, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/**
 * Graph's change notification payloads, validated at the boundary: pure parsing and sorting, so
 * the webhook workflow needs no adapter.
 * https://learn.microsoft.com/graph/api/resources/changenotificationcollection
 */
const changeNotificationSchema = z.object({
  subscriptionId: z.string().min(1),
  clientState: z.string().nullish(),
  changeType: z.enum(['created', 'updated', 'deleted']),
  resource: z.string(),
  tenantId: z.string().optional(),
  subscriptionExpirationDateTime: z.string().optional(),
  resourceData: z.looseObject({ id: z.string().min(1) }).nullish(),
});

const lifecycleNotificationSchema = z.object({
  subscriptionId: z.string().min(1),
  clientState: z.string().nullish(),
  lifecycleEvent: z.enum(['reauthorizationRequired', 'subscriptionRemoved', 'missed']),
  subscriptionExpirationDateTime: z.string().optional(),
});

export const changeNotificationCollectionSchema = z.object({ value: z.array(z.unknown()).min(1) });

export type ChangeNotification = z.infer<typeof changeNotificationSchema>;
export type LifecycleNotification = z.infer<typeof lifecycleNotificationSchema>;

/** Compares secrets in constant time, whatever their lengths. */
export function sameSecret(received: string | null | undefined, expected: string): boolean {
  const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(received ?? ''), digest(expected)) && received !== undefined && received !== null;
}

export interface SortedNotifications<T> {
  accepted: T[];
  /** Wrong or missing clientState: not from our subscription. */
  forged: number;
  /** Not shaped like a notification at all. */
  malformed: number;
}

function sortNotifications<T extends { clientState?: string | null | undefined }>(items: unknown[], schema: z.ZodType<T>, clientState: string): SortedNotifications<T> {
  const sorted: SortedNotifications<T> = { accepted: [], forged: 0, malformed: 0 };
  for (const item of items) {
    const parsed = schema.safeParse(item);
    if (!parsed.success) sorted.malformed += 1;
    else if (!sameSecret(parsed.data.clientState, clientState)) sorted.forged += 1;
    else sorted.accepted.push(parsed.data);
  }
  return sorted;
}

export function sortChangeNotifications(items: unknown[], clientState: string): SortedNotifications<ChangeNotification> {
  return sortNotifications(items, changeNotificationSchema, clientState);
}

export function sortLifecycleNotifications(items: unknown[], clientState: string): SortedNotifications<LifecycleNotification> {
  return sortNotifications(items, lifecycleNotificationSchema, clientState);
}
