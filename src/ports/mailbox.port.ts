/** An email in the inbox, as weqs reads it (never the body). */
export interface InboxEmail {
  id: string;
  internetMessageId: string;
  conversationId: string;
  subject: string;
  from: { name?: string; address: string };
  receivedAt: string;
  categories: string[];
  headers: { name: string; value: string }[];
}

export interface DeltaPage {
  messages: { id: string; internetMessageId?: string; receivedAt?: string }[];
  /** Where the next sweep continues. */
  deltaLink: string;
}

export interface MailboxPort {
  readonly address: string;
  /** Undefined when the message is no longer there (moved or deleted by a person). */
  getEmail(id: string): Promise<InboxEmail | undefined>;
  setCategories(id: string, categories: string[]): Promise<void>;
  /** Replies in the thread with a base64 MIME message; false when the original has gone. */
  replyWithMime(id: string, mime: string): Promise<boolean>;
  sendMime(mime: string): Promise<void>;
  /** Whether Sent Items holds a message carrying this intent token, sent since the given time. */
  sentItemWithIntent(token: string, since: Date): Promise<boolean>;
  /** New inbox messages since the delta link (or all, without one); throws DeltaExpired when it must restart. */
  inboxDelta(deltaLink: string | undefined): Promise<DeltaPage>;
}

export class DeltaExpired extends Error {}
