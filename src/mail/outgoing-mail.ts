import { randomUUID } from 'node:crypto';
import { logger } from '../logging.js';
import type { MailboxPort } from '../ports/mailbox.port.js';
import type { OutgoingMailPort, OutgoingMessage, SendOptions, SendPriority, SendResult } from '../ports/outgoing-mail.port.js';
import { SendRateBusy } from '../storage/send-rate-limiter.js';
import type { SendPermit } from '../storage/send-rate-limiter.js';
import type { SendIntent, SentMailLedger } from '../storage/sent-mail-ledger.js';
import { isStorageError } from '../storage/tables.js';
import { graphStatus } from '../graph/graph-errors.js';
import { composeMime } from './mime.js';

export interface RateLimit {
  /** Waits for room in the mailbox's sending rate; the permit is released once Graph has answered. */
  acquire(priority?: SendPriority): Promise<SendPermit>;
}

export type { SendResult };

/** How long Exchange may take to file a sent message in Sent Items before we conclude it never went (WEQS_SENT_ITEMS_SETTLE_SECONDS). */
const defaultSentItemsSettleMs = 60_000;


/**
 * Whether Graph answered that it did not take the message (throttled, invalid, forbidden). Any 5xx,
 * a timeout or a dropped connection leave the outcome unknown: a 503 or 504 can come after
 * Exchange accepted the message.
 */
function refusedOutright(error: unknown): boolean {
  const status = graphStatus(error);
  return status !== undefined && status >= 400 && status < 500 && status !== 408;
}

const sameAddresses = (left: readonly string[], right: readonly string[]): boolean =>
  left.length === right.length && [...left].sort().every((address, index) => address === [...right].sort()[index]);

/**
 * Sends each email at most once per intent, whatever crashes or retries happen around it:
 * 1. the intent is written to the ledger first, with a token;
 * 2. the message is saved as a draft (in the thread when it answers an email; its id goes to the
 *    ledger, and a later attempt discards what an earlier one left in Drafts), then marked
 *    "sending" in the ledger just before the draft is marked with the token (an extended property,
 *    which the Sent Items copy keeps) and sent, in one Graph round trip with no client retries;
 * 3. after Graph's 202, the ledger says sent;
 * 4. a retry that finds the intent "sending" looks for the token in Sent Items before deciding
 *    whether to send again (after Exchange has had time to file the copy); one that finds it only
 *    "prepared" sends at once.
 * Every send waits for a slot of the mailbox's shared sending rate.
 */
export class OutgoingMail implements OutgoingMailPort {
  constructor(
    private readonly mailbox: MailboxPort,
    private readonly ledger: SentMailLedger,
    private readonly rate: RateLimit,
    private readonly now: () => Date = () => new Date(),
    private readonly sentItemsSettleMs: number = defaultSentItemsSettleMs,
  ) {}

  get address(): string {
    return this.mailbox.address;
  }

  /**
   * The as-of time of an email that has been handed to Graph (and may have gone). A retry must
   * record the dates that email stated, not the retry's own.
   */
  async handedOverAsOf(intent: string): Promise<Date | undefined> {
    const record = await this.ledger.get(intent);
    return record && record.state !== 'prepared' && record.asOf ? new Date(record.asOf) : undefined;
  }

  /**
   * A reply in the thread when the original is still there and Exchange addresses the reply to
   * exactly the intended recipients; otherwise a new message (Exchange would answer a Reply-To the
   * sender chose, which may be a third party).
   */
  private async draft(mime: string, to: readonly string[], replyToMessageId: string | undefined): Promise<{ id: string; inThread: boolean }> {
    if (replyToMessageId) {
      const reply = await this.mailbox.draftReply(replyToMessageId, mime);
      if (reply && sameAddresses(reply.to, to) && reply.cc.length === 0) return { id: reply.id, inThread: true };
      if (reply) {
        logger().warn({ draftTo: reply.to.length, intendedTo: to.length }, 'a reply in the thread would go to other recipients; sending a new message instead');
        await this.mailbox.discardDraft(reply.id);
      }
    }
    return { id: (await this.mailbox.draftMessage(mime)).id, inThread: false };
  }

  /**
   * Drafts of earlier attempts of this intent that were never sent: the one the ledger recorded
   * (saved, then a crash or a refusal before it went) and any marked with the intent's token (the
   * mark step of the send went through, the send did not). Only called once the intent is known
   * not to have gone, so deleting them cannot lose a sent message; a sent one is not a draft.
   */
  private async discardLeftoverDrafts(record: SendIntent): Promise<void> {
    const marked = await this.mailbox.draftsWithIntent(record.token);
    await Promise.all(marked.map((id) => this.mailbox.discardDraft(id)));
    const recorded = record.draftId !== undefined && !marked.includes(record.draftId) && (await this.mailbox.discardIfDraft(record.draftId));
    const discarded = marked.length + (recorded ? 1 : 0);
    if (discarded > 0) logger().info({ intent: record.key, discarded }, 'discarded drafts an earlier attempt left behind');
  }

  /** `asOf`: the moment the email's content was written for, when that is not now (a job's clock). */
  async sendOnce(
    intent: string,
    email: OutgoingMessage,
    options: SendOptions = {},
  ): Promise<SendResult> {
    const begun = await this.ledger.begin(intent, randomUUID(), this.now());
    let { record } = begun;
    if (record.state === 'sent') return 'already-sent';
    if (record.state === 'sending') {
      // Handed to Graph before a failure: Exchange may have sent it. Its Sent Items copy tells.
      if (await this.mailbox.sentItemWithIntent(record.token)) {
        await this.ledger.markSent(record, this.now());
        logger().info({ intent }, 'found an email sent before a failure; not sending it again');
        return 'already-sent';
      }
      if (this.now().getTime() - new Date(record.startedAt).getTime() < this.sentItemsSettleMs) {
        return { kind: 'later', reason: 'send-outcome-unknown', detail: `The email for '${intent}' may have been sent moments ago; checking again later.` };
      }
    }
    const mime = await composeMime({
      ...email,
      from: email.from ?? { name: 'Work Experience', address: this.mailbox.address },
      intentToken: record.token,
    });
    const to = email.to.map((recipient) => recipient.address.toLowerCase());
    if (!begun.created) {
      // An earlier attempt that never got its message out may have left its draft behind. Take the
      // intent over first, so a concurrent attempt's draft is never discarded under it.
      const earlier = record;
      try {
        record = await this.ledger.takeOver(earlier);
      } catch (error) {
        if (isStorageError(error, 412)) return 'in-progress';
        throw error;
      }
      await this.discardLeftoverDrafts(earlier);
    }
    const draft = await this.draft(mime, to, options.replyToMessageId);
    try {
      record = await this.ledger.recordDraft(record, draft.id);
    } catch (error) {
      await this.mailbox.discardDraft(draft.id);
      if (isStorageError(error, 412)) return 'in-progress';
      throw error;
    }
    let permit: SendPermit;
    try {
      permit = await this.rate.acquire(options.priority);
    } catch (error) {
      // The rate stayed full for the whole wait allowed. The draft stays recorded; a later attempt
      // discards it and drafts again.
      if (error instanceof SendRateBusy) return { kind: 'later', reason: 'send-rate-busy', detail: error.message };
      throw error;
    }
    try {
      try {
        // Conditional on the record as read: of two workers holding the same intent, one wins.
        record = await this.ledger.markSending(record, this.now(), options.asOf ?? this.now());
      } catch (error) {
        if (isStorageError(error, 412)) {
          await this.mailbox.discardDraft(draft.id);
          return 'in-progress';
        }
        throw error;
      }
      try {
        await this.mailbox.sendDraft(draft.id, record.token);
      } catch (error) {
        if (refusedOutright(error)) await this.ledger.markRefused(record);
        throw error;
      }
    } finally {
      // The permit covers the whole hand-over, so the rate counts when Exchange accepted it.
      await permit.release().catch((error: unknown) => logger().warn({ err: error }, 'could not release a send permit; it lapses after its lease'));
    }
    await this.ledger.markSent(record, this.now());
    logger().info({ intent, to, inThread: draft.inThread }, 'sent an email');
    return 'sent';
  }
}
