import { logger } from '../logging.js';
import type { SubscriptionsPort } from '../ports/subscriptions.port.js';

/** Answers for ids seen before are kept; past this many the memory is started afresh. */
const rememberedLimit = 1000;

/**
 * Whether a notification's subscription is one this app created. Graph may put notifications
 * for other apps' subscriptions to the same URL in the same POST
 * (https://learn.microsoft.com/graph/api/resources/changenotificationcollection), and a
 * subscription weqs deleted (a duplicate) may still deliver for a while. Graph shows an app-only
 * caller its own subscriptions only, so one `GET /subscriptions/{id}` per new id tells; each
 * process remembers the answer. Only notifications that already carry weqs's clientState are asked
 * about, so a stranger cannot make weqs call Graph.
 */
export class OwnedSubscriptions {
  private readonly remembered = new Map<string, boolean>();

  constructor(private readonly subscriptions: Pick<SubscriptionsPort, 'get'>) {}

  /**
   * `unknown` when Graph could not be asked: the caller decides (the clientState already matched,
   * and dropping a genuine notification would leave the email to the sweep).
   */
  async owns(subscriptionId: string): Promise<boolean | 'unknown'> {
    const remembered = this.remembered.get(subscriptionId);
    if (remembered !== undefined) return remembered;
    let owned: boolean;
    try {
      owned = (await this.subscriptions.get(subscriptionId)) !== undefined;
    } catch (error) {
      logger().warn({ err: error, subscriptionId }, 'could not ask Graph whether a subscription is ours');
      return 'unknown';
    }
    if (this.remembered.size >= rememberedLimit) this.remembered.clear();
    this.remembered.set(subscriptionId, owned);
    return owned;
  }
}
