/** Replies to a first request from a new sender go first; anything else leaves room for them. */
export type SendPriority = 'first-contact' | 'normal';

/**
 * Why a send cannot settle now (not a failure; the caller tries again later):
 * - `send-outcome-unknown`: handed to Graph moments ago and Sent Items does not show it yet;
 * - `send-rate-busy`: no send could start within the wait allowed (the sending rate is full).
 */
export type SendLaterReason = 'send-outcome-unknown' | 'send-rate-busy';

export interface SendLater {
  kind: 'later';
  reason: SendLaterReason;
  /** For people reading logs and job reports. */
  detail: string;
}

/**
 * What became of one intent. `in-progress`: another worker is sending the same email right now
 * (two job runs at once); `later`: see SendLaterReason. Anything else (Graph refusing the message,
 * storage down, a bug) is thrown.
 */
export type SendResult = 'sent' | 'already-sent' | 'in-progress' | SendLater;

export interface OutgoingMessage {
  from?: { name: string; address: string };
  to: { name?: string; address: string }[];
  subject: string;
  text: string;
  html: string;
  /** The internetMessageId being answered, so mail clients thread the reply. */
  inReplyTo?: string;
  references?: string[];
}

export interface SendOptions {
  /** Reply in the thread of this inbox message when it is still there. */
  replyToMessageId?: string;
  /** The moment the content was written for, when that is not now (a job's clock). */
  asOf?: Date;
  priority?: SendPriority;
}

/** Email sent at most once per intent, whatever retries and crashes happen around it. */
export interface OutgoingMailPort {
  sendOnce(intent: string, message: OutgoingMessage, options?: SendOptions): Promise<SendResult>;
}

/** Outgoing mail for jobs whose emails state dates: a retry must state what the first attempt stated. */
export interface DatedOutgoingMailPort extends OutgoingMailPort {
  /** The as-of time of an email already handed over for sending under this intent (it may have gone). */
  handedOverAsOf(intent: string): Promise<Date | undefined>;
}
