/**
 * Queue names shared by the producers and the function table's triggers. Apart from the storage
 * SDK, so the function manifest can name its queues without loading it (cold start).
 */
export const queueNames = {
  inboundMessages: 'inbound-messages',
  subscriptionEvents: 'subscription-events',
} as const;

export type QueueName = (typeof queueNames)[keyof typeof queueNames];
