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

/** A message saved in Drafts, and whom Exchange addressed it to. */
export interface Draft {
  id: string;
  to: string[];
  cc: string[];
}

export interface MailboxPort {
  readonly address: string;
  /** Undefined when the message is no longer there (moved or deleted by a person). */
  getEmail(id: string): Promise<InboxEmail | undefined>;
  setCategories(id: string, categories: string[]): Promise<void>;
  /** A draft reply in the thread of message `id`, from a base64 MIME message; undefined when the original has gone. */
  draftReply(id: string, mime: string): Promise<Draft | undefined>;
  /** A draft of a new message from a base64 MIME message. */
  draftMessage(mime: string): Promise<Draft>;
  discardDraft(id: string): Promise<void>;
  /** Deletes the message only while it is still a draft (a sent message is never touched); false when it was not. */
  discardIfDraft(id: string): Promise<boolean>;
  /** Drafts marked with this intent token: an attempt marked them and never sent them. */
  draftsWithIntent(intentToken: string): Promise<string[]>;
  /**
   * Marks the draft with the intent token (an extended property, which Sent Items keeps) and sends
   * it, in one round trip and without client retries: the caller's ledger decides about retrying.
   */
  sendDraft(id: string, intentToken: string): Promise<void>;
  /** Whether Sent Items holds a message marked with this intent token. */
  sentItemWithIntent(intentToken: string): Promise<boolean>;
  /** New inbox messages since the delta link (or all, without one); throws DeltaExpired when it must restart. */
  inboxDelta(deltaLink: string | undefined): Promise<DeltaPage>;
}

export class DeltaExpired extends Error {}
