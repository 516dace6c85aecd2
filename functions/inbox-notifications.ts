import { getRuntime } from '../src/runtime.js';
import { queueNames } from '../src/storage/queues.js';
import { receiveChangeNotifications } from '../src/workflows/receive-notifications.js';
import { graphWebhook } from './graph-webhook.js';

/** Graph's change notifications for the inbox: handshake, clientState and ownership checks, enqueue, 202. */
export const inboxNotifications = graphWebhook((body) => {
  const { config, queues, ownedSubscriptions } = getRuntime();
  return receiveChangeNotifications(
    body,
    config.subscription.clientState,
    (reference) => queues.send(queueNames.inboundMessages, reference),
    (subscriptionId) => ownedSubscriptions.owns(subscriptionId),
  );
});
