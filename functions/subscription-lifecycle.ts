import { getRuntime } from '../src/runtime.js';
import { queueNames } from '../src/storage/queues.js';
import { receiveLifecycleNotifications } from '../src/workflows/receive-notifications.js';
import { graphWebhook } from './graph-webhook.js';

/** Graph's lifecycle notifications (reauthorizationRequired, subscriptionRemoved, missed). */
export const subscriptionLifecycle = graphWebhook((body) => {
  const { config, queues } = getRuntime();
  return receiveLifecycleNotifications(body, config.subscription.clientState, (event) => queues.send(queueNames.subscriptionEvents, event));
});
