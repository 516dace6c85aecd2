import { logger } from '../logging.js';
import { DeltaExpired } from '../ports/mailbox.port.js';
import type { MailboxPort } from '../ports/mailbox.port.js';
import type { InboundLedgerPort } from '../ports/inbound-ledger.port.js';
import type { InboundMessageReference } from './receive-notifications.js';

export interface SweepDependencies {
  mailbox: MailboxPort;
  ledger: Pick<InboundLedgerPort, 'get' | 'keyFor'>;
  state: { get(name: string): Promise<string | undefined>; set(name: string, value: string): Promise<void> };
  enqueue: (reference: InboundMessageReference) => Promise<void>;
  now: () => Date;
  /** Messages this fresh are probably on their way through the webhook; the next sweep checks them. */
  graceMs: number;
}

const deltaLinkName = 'inbox-delta-link';
const watermarkName = 'inbox-watermark';
/** After a delta reset every inbox message comes back; only recent ones can still be unhandled. */
const resetLookBackMs = 14 * 24 * 3600 * 1000;

export interface SweepResult {
  seen: number;
  queued: number;
  /** Younger than the grace period: left to the webhook, and read again by the next sweep. */
  deferred: number;
  restarted: boolean;
}

/**
 * The safety net for lost notifications: a delta query over the inbox queues every message that
 * has no recorded outcome. Mail that was in the inbox before weqs first ran is never touched.
 * https://learn.microsoft.com/graph/delta-query-messages
 */
export async function sweepInbox(deps: SweepDependencies): Promise<SweepResult> {
  const now = deps.now();
  let watermark = await deps.state.get(watermarkName);
  if (!watermark) {
    watermark = now.toISOString();
    await deps.state.set(watermarkName, watermark);
  }
  const stored = await deps.state.get(deltaLinkName);
  let restarted = false;
  let page;
  try {
    page = await deps.mailbox.inboxDelta(stored);
  } catch (error) {
    if (!(error instanceof DeltaExpired)) throw error;
    logger().warn('the inbox delta link expired; starting a new round');
    restarted = true;
    page = await deps.mailbox.inboxDelta(undefined);
  }
  const earliest = Math.max(Date.parse(watermark), stored && !restarted ? 0 : now.getTime() - resetLookBackMs);
  let queued = 0;
  let deferred = 0;
  for (const message of page.messages) {
    const received = Date.parse(message.receivedAt ?? '');
    if (Number.isNaN(received) || received < earliest) continue;
    if (received > now.getTime() - deps.graceMs) {
      deferred += 1;
      continue;
    }
    if (message.internetMessageId && (await deps.ledger.get(deps.ledger.keyFor(message.internetMessageId)))) continue;
    await deps.enqueue({ kind: 'inbox-message', messageId: message.id, source: 'sweep', notifiedAt: now.toISOString() });
    queued += 1;
  }
  // A delta link only moves forward: saving it past a message left for the webhook would lose that
  // message for good if its notification never comes. Keep the old starting point (or none, after a
  // first or restarted round) so the next sweep reads the young message again; the ones queued now
  // come back too and the ledger recognises them.
  if (deferred === 0) await deps.state.set(deltaLinkName, page.deltaLink);
  else if (restarted) await deps.state.set(deltaLinkName, '');
  logger().info({ seen: page.messages.length, queued, deferred, restarted }, 'swept the inbox');
  return { seen: page.messages.length, queued, deferred, restarted };
}
