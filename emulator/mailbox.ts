import { randomBytes } from 'node:crypto';
import PostalMime from 'postal-mime';
import type { Address } from 'postal-mime';
import { GraphFault } from './http.js';
import { ids } from './ids.js';
import type { Clock } from './ids.js';

export interface EmailAddress {
  name?: string;
  address: string;
}
export interface Recipient {
  emailAddress: EmailAddress;
}
export interface InternetHeader {
  name: string;
  value: string;
}
export interface ExtendedProperty {
  id: string;
  value: string;
}

export interface StoredMessage {
  id: string;
  folderId: string;
  createdDateTime: string;
  lastModifiedDateTime: string;
  receivedDateTime: string;
  sentDateTime: string;
  changeKey: string;
  subject: string;
  body: { contentType: 'html' | 'text'; content: string };
  from?: Recipient;
  sender?: Recipient;
  toRecipients: Recipient[];
  ccRecipients: Recipient[];
  bccRecipients: Recipient[];
  replyTo: Recipient[];
  internetMessageId: string;
  conversationId: string;
  conversationIndex: string;
  categories: string[];
  isRead: boolean;
  isDraft: boolean;
  importance: 'low' | 'normal' | 'high';
  flag: { flagStatus: 'notFlagged' | 'flagged' | 'complete' };
  internetMessageHeaders: InternetHeader[];
  singleValueExtendedProperties: ExtendedProperty[];
  /** The plain-text part when the message arrived as MIME with both parts. */
  textAlternative?: string;
  references: string[];
}

export interface MailFolder {
  id: string;
  displayName: string;
  wellKnownName: string;
}

export type MailChange = 'created' | 'updated' | 'deleted';

interface ChangeRecord {
  sequence: number;
  folderId: string;
  messageId: string;
  change: MailChange;
}

export interface FolderChange {
  id: string;
  /** The message entered the folder during the range (as opposed to only being updated or removed). */
  created: boolean;
}

/** One outgoing message as the outside world received it (or bounced it). */
export interface OutboundRecord {
  from: string;
  to: string[];
  cc: string[];
  bcc: string[];
  subject: string;
  html?: string;
  text?: string;
  internetMessageId: string;
  inReplyTo?: string;
  headers: InternetHeader[];
  submittedAt: string;
  status: 'delivered' | 'bounced';
}

const wellKnownFolders: [string, string][] = [
  ['inbox', 'Inbox'],
  ['sentitems', 'Sent Items'],
  ['drafts', 'Drafts'],
  ['deleteditems', 'Deleted Items'],
  ['archive', 'Archive'],
  ['junkemail', 'Junk Email'],
];

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

export function htmlToText(html: string): string {
  return html
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, '')
    .replace(/<br\s*\/?>|<\/p>|<\/div>|<\/li>|<\/h\d>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)))
    .replace(/&amp;/g, '&')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

export class Mailbox {
  readonly id = ids.guid();
  readonly folders = new Map<string, MailFolder>();
  readonly messages = new Map<string, StoredMessage>();
  private readonly changes: ChangeRecord[] = [];
  private sequence = 0;
  /** Delta tokens issued before this generation are rejected (see `invalidateSyncState`). */
  syncGeneration = 0;

  constructor(
    readonly address: string,
    readonly displayName: string,
    private readonly clock: Clock,
    private readonly onChange: (mailbox: Mailbox, message: StoredMessage, change: MailChange) => void,
  ) {
    for (const [wellKnownName, displayName] of wellKnownFolders) {
      const folder = { id: ids.folder(), displayName, wellKnownName };
      this.folders.set(folder.id, folder);
    }
  }

  folder(idOrWellKnownName: string): MailFolder {
    const wanted = idOrWellKnownName.replace(/^'(.*)'$/, '$1');
    const folder =
      this.folders.get(wanted) ?? [...this.folders.values()].find((candidate) => candidate.wellKnownName === wanted.toLowerCase());
    if (!folder) throw new GraphFault(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
    return folder;
  }

  message(id: string): StoredMessage {
    const message = this.messages.get(id);
    if (!message) throw new GraphFault(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
    return message;
  }

  get currentSequence(): number {
    return this.sequence;
  }

  private record(message: StoredMessage, folderId: string, change: MailChange): void {
    this.sequence += 1;
    this.changes.push({ sequence: this.sequence, folderId, messageId: message.id, change });
    this.onChange(this, message, change);
  }

  insert(folderId: string, fields: Omit<StoredMessage, 'id' | 'folderId' | 'changeKey' | 'createdDateTime' | 'lastModifiedDateTime'>): StoredMessage {
    const now = this.clock.now().toISOString();
    const message: StoredMessage = { ...fields, id: ids.message(), folderId, changeKey: ids.changeKey(), createdDateTime: now, lastModifiedDateTime: now };
    this.messages.set(message.id, message);
    this.record(message, folderId, 'created');
    return message;
  }

  update(message: StoredMessage, patch: Partial<StoredMessage>): StoredMessage {
    Object.assign(message, patch, { changeKey: ids.changeKey(), lastModifiedDateTime: this.clock.now().toISOString() });
    this.record(message, message.folderId, 'updated');
    return message;
  }

  remove(message: StoredMessage): void {
    this.messages.delete(message.id);
    this.record(message, message.folderId, 'deleted');
  }

  /** Exchange moves by copy and delete: the moved message has a new id (https://learn.microsoft.com/graph/outlook-immutable-id). */
  move(message: StoredMessage, folderId: string): StoredMessage {
    this.remove(message);
    const { id: _id, folderId: _folder, changeKey: _key, createdDateTime: _created, lastModifiedDateTime: _modified, ...fields } = message;
    return this.insert(folderId, fields);
  }

  /** Messages of a folder changed after `sinceSequence`, each once, oldest change first. */
  changedSince(folderId: string, sinceSequence: number): FolderChange[] {
    const seen = new Map<string, FolderChange>();
    for (const record of this.changes) {
      if (record.sequence <= sinceSequence || record.folderId !== folderId) continue;
      const entry = seen.get(record.messageId) ?? { id: record.messageId, created: false };
      entry.created ||= record.change === 'created';
      seen.set(record.messageId, entry);
    }
    return [...seen.values()];
  }

  messagesIn(folderId: string): StoredMessage[] {
    return [...this.messages.values()].filter((message) => message.folderId === folderId);
  }

  invalidateSyncState(): void {
    this.syncGeneration += 1;
  }
}

export interface InboundEmail {
  from: EmailAddress;
  to?: EmailAddress[];
  subject: string;
  body: string;
  contentType?: 'text' | 'html';
  headers?: InternetHeader[];
  /** What the receiving service concluded about the sender; `pass` unless a test says otherwise. */
  authentication?: ReceivedAuthentication;
}

/**
 * The receiving service's verdict on an inbound message, as Exchange Online stamps it:
 * `pass` (SPF, DKIM, DMARC and compauth pass), `fail` (a forged sender: SPF fails, unsigned,
 * DMARC fails), `softfail`, `none` (the domain publishes nothing, or internal mail), or
 * `missing`: delivered with no result of the service's own at all (least convenient reading:
 * Microsoft does not promise every delivered message carries one).
 */
export const receivedAuthentications = ['pass', 'fail', 'softfail', 'none', 'missing'] as const;
export type ReceivedAuthentication = (typeof receivedAuthentications)[number];

/**
 * Exchange Online's own Authentication-Results value: no authserv-id, results separated by ";".
 * https://learn.microsoft.com/en-us/defender-office-365/message-headers-eop-mdo
 */
export function receivingServiceResult(verdict: Exclude<ReceivedAuthentication, 'missing'>, domain: string): string {
  switch (verdict) {
    case 'pass':
      return `spf=pass (sender IP is 192.0.2.10) smtp.mailfrom=${domain}; dkim=pass (signature was verified) header.d=${domain};dmarc=pass action=none header.from=${domain};compauth=pass reason=100`;
    case 'fail':
      return `spf=fail (sender IP is 203.0.113.9) smtp.mailfrom=${domain}; dkim=none (message not signed) header.d=none;dmarc=fail action=oreject header.from=${domain};compauth=fail reason=000`;
    case 'softfail':
      return `spf=softfail (sender IP is 203.0.113.9) smtp.mailfrom=${domain}; dkim=none (message not signed) header.d=none;dmarc=none action=none header.from=${domain};compauth=softpass reason=201`;
    case 'none':
      return `spf=none (sender IP is 192.0.2.20) smtp.mailfrom=${domain}; dkim=none (message not signed) header.d=none;dmarc=none action=none header.from=${domain};compauth=none reason=905`;
  }
}

export interface MailSystemOptions {
  domain: string;
  sendLimitPerMinute: number;
  bounceDelayMs: number;
  /** How long after the 202 a sent message's copy appears in Sent Items (tenant behaviour `sentItemsDelayMs`). */
  sentItemsDelayMs: number;
}

function toRecipients(addresses: readonly (Address | EmailAddress)[] | undefined): Recipient[] {
  const result: Recipient[] = [];
  for (const entry of addresses ?? []) {
    if ('group' in entry && entry.group) result.push(...toRecipients(entry.group));
    else if (entry.address) result.push({ emailAddress: { name: entry.name || entry.address, address: entry.address } });
  }
  return result;
}

function headerValue(headers: readonly InternetHeader[], name: string): string | undefined {
  return headers.find((header) => header.name.toLowerCase() === name.toLowerCase())?.value;
}

/** Message fields decoded from a base64 MIME body, as Graph accepts on sendMail, reply and create. */
export interface MimeMessage {
  subject?: string;
  from?: Recipient;
  to: Recipient[];
  cc: Recipient[];
  bcc: Recipient[];
  html?: string;
  text?: string;
  headers: InternetHeader[];
  inReplyTo?: string;
  references: string[];
}

export async function parseMimeBody(body: Buffer): Promise<MimeMessage> {
  const encoded = body.toString('utf8').replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+=*$/.test(encoded)) {
    throw new GraphFault(400, 'ErrorMimeContentInvalidBase64String', 'Invalid base64 string for MIME content.');
  }
  const parsed = await PostalMime.parse(Buffer.from(encoded, 'base64'));
  // Exchange keeps X- headers from MIME as internetMessageHeaders; structural headers become properties.
  const headers = parsed.headers
    .filter((header) => header.key.startsWith('x-') || header.key === 'auto-submitted')
    .map((header) => ({ name: header.originalKey, value: header.value }));
  const [from] = parsed.from ? toRecipients([parsed.from]) : [];
  return {
    ...(parsed.subject !== undefined ? { subject: parsed.subject } : {}),
    ...(from ? { from } : {}),
    to: toRecipients(parsed.to),
    cc: toRecipients(parsed.cc),
    bcc: toRecipients(parsed.bcc),
    ...(parsed.html !== undefined ? { html: parsed.html } : {}),
    ...(parsed.text !== undefined ? { text: parsed.text } : {}),
    headers,
    ...(parsed.inReplyTo !== undefined ? { inReplyTo: parsed.inReplyTo } : {}),
    references: (parsed.references ?? '').split(/\s+/).filter(Boolean),
  };
}

export class MailSystem {
  readonly mailboxes = new Map<string, Mailbox>();
  readonly outbound: OutboundRecord[] = [];
  private readonly acceptedSends = new Map<string, number[]>();
  private readonly pendingTimers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly clock: Clock,
    private readonly options: MailSystemOptions,
    private readonly onChange: (mailbox: Mailbox, message: StoredMessage, change: MailChange) => void,
  ) {}

  addMailbox(address: string, displayName: string): Mailbox {
    const mailbox = new Mailbox(address, displayName, this.clock, this.onChange);
    this.mailboxes.set(address.toLowerCase(), mailbox);
    return mailbox;
  }

  /** `/users/{id | userPrincipalName}`. */
  resolve(user: string): Mailbox {
    const wanted = user.toLowerCase();
    const mailbox = this.mailboxes.get(wanted) ?? [...this.mailboxes.values()].find((candidate) => candidate.id === wanted);
    if (!mailbox) throw new GraphFault(404, 'ErrorInvalidUser', `The requested user '${user}' is invalid.`);
    return mailbox;
  }

  /** Delivers a message from outside into a mailbox's Inbox, stamped as Exchange Online stamps it. */
  deliver(mailbox: Mailbox, email: InboundEmail): StoredMessage {
    const now = this.clock.now().toISOString();
    const supplied = email.headers ?? [];
    const senderDomain = email.from.address.split('@')[1] ?? 'example.org';
    const internetMessageId = headerValue(supplied, 'Message-ID') ?? ids.internetMessageId(senderDomain);
    const inReplyTo = headerValue(supplied, 'In-Reply-To');
    const references = (headerValue(supplied, 'References') ?? '').split(/\s+/).filter(Boolean);
    const thread = [inReplyTo, ...references]
      .filter((id): id is string => Boolean(id))
      .map((id) => [...mailbox.messages.values()].find((message) => message.internetMessageId === id))
      .find(Boolean);
    const verdict = email.authentication ?? 'pass';
    const headers: InternetHeader[] = [
      { name: 'Received', value: `from mail.${senderDomain} by ${this.options.domain} with Microsoft SMTP Server; ${new Date(now).toUTCString()}` },
      // Like Exchange Online, the receiving service adds its own result above whatever the message
      // already carried (which stays, below it, as the sender wrote it).
      ...(verdict === 'missing' ? [] : [{ name: 'Authentication-Results', value: receivingServiceResult(verdict, senderDomain) }]),
      ...supplied,
      { name: 'Message-ID', value: internetMessageId },
      { name: 'Subject', value: email.subject },
    ];
    const contentType = email.contentType ?? 'text';
    return mailbox.insert(mailbox.folder('inbox').id, {
      receivedDateTime: now,
      sentDateTime: now,
      subject: email.subject,
      body: { contentType, content: email.body },
      from: { emailAddress: { ...email.from, name: email.from.name ?? email.from.address } },
      sender: { emailAddress: { ...email.from, name: email.from.name ?? email.from.address } },
      toRecipients: toRecipients(email.to ?? [{ address: mailbox.address, name: mailbox.displayName }]),
      ccRecipients: [],
      bccRecipients: [],
      replyTo: [],
      internetMessageId,
      conversationId: thread?.conversationId ?? ids.conversation(),
      conversationIndex: randomBytes(22).toString('base64'),
      categories: [],
      isRead: false,
      isDraft: false,
      importance: 'normal',
      flag: { flagStatus: 'notFlagged' },
      internetMessageHeaders: headers,
      singleValueExtendedProperties: [],
      references: inReplyTo ? [...references, inReplyTo] : references,
    });
  }

  /**
   * Submits a message for delivery. Like Exchange, it always accepts (Graph answers 202); a message
   * over the per-mailbox rate (30 a minute) bounces later with a non-delivery report in the Inbox.
   * https://learn.microsoft.com/office365/servicedescriptions/exchange-online-service-description/exchange-online-limits
   */
  submit(mailbox: Mailbox, message: Omit<StoredMessage, 'id' | 'folderId' | 'changeKey' | 'createdDateTime' | 'lastModifiedDateTime'>, saveToSentItems: boolean): void {
    const recipients = [...message.toRecipients, ...message.ccRecipients, ...message.bccRecipients];
    if (recipients.length === 0) {
      throw new GraphFault(400, 'ErrorInvalidRecipients', 'At least one recipient is not valid., A message can\'t be sent because it contains no recipients.');
    }
    if (recipients.length > 500) {
      throw new GraphFault(400, 'ErrorTooManyRecipients', 'The message has too many recipients. A message can have at most 500 recipients.');
    }
    // Sending as another address needs a Send As grant the emulator never gives (its 403 is documented in
    // https://learn.microsoft.com/graph/outlook-send-mail-from-other-user).
    const claimedFrom = message.from?.emailAddress.address;
    if (claimedFrom !== undefined && claimedFrom.toLowerCase() !== mailbox.address.toLowerCase()) {
      throw new GraphFault(403, 'ErrorSendAsDenied', 'The user account which was used to submit this request does not have the right to send mail on behalf of the specified sending account., Cannot submit message.');
    }
    const now = this.clock.now();
    const windowStart = now.getTime() - 60_000;
    const recent = (this.acceptedSends.get(mailbox.address) ?? []).filter((time) => time > windowStart);
    const bounced = recent.length >= this.options.sendLimitPerMinute;
    if (!bounced) recent.push(now.getTime());
    this.acceptedSends.set(mailbox.address, recent);

    const sent = {
      ...message,
      from: { emailAddress: { name: mailbox.displayName, address: mailbox.address } },
      sender: { emailAddress: { name: mailbox.displayName, address: mailbox.address } },
      sentDateTime: now.toISOString(),
      receivedDateTime: now.toISOString(),
      isDraft: false,
      isRead: true,
    };
    // Exchange files the Sent Items copy after the send, asynchronously, and without the custom
    // internet headers the recipients see (https://github.com/microsoftgraph/microsoft-graph-docs/issues/2716).
    // Extended properties stay on the item.
    const fileCopy = (): void => void mailbox.insert(mailbox.folder('sentitems').id, { ...sent, internetMessageHeaders: [] });
    if (saveToSentItems && this.options.sentItemsDelayMs > 0) this.after(this.options.sentItemsDelayMs, fileCopy);
    else if (saveToSentItems) fileCopy();
    const inReplyTo = message.references.at(-1);
    const record: OutboundRecord = {
      from: mailbox.address,
      to: message.toRecipients.map((recipient) => recipient.emailAddress.address),
      cc: message.ccRecipients.map((recipient) => recipient.emailAddress.address),
      bcc: message.bccRecipients.map((recipient) => recipient.emailAddress.address),
      subject: message.subject,
      ...(message.body.contentType === 'html' ? { html: message.body.content } : { text: message.body.content }),
      ...(message.textAlternative !== undefined ? { text: message.textAlternative } : {}),
      internetMessageId: message.internetMessageId,
      ...(inReplyTo !== undefined ? { inReplyTo } : {}),
      headers: message.internetMessageHeaders,
      submittedAt: now.toISOString(),
      status: bounced ? 'bounced' : 'delivered',
    };
    this.outbound.push(record);
    if (bounced) {
      this.later(() => this.bounce(mailbox, record));
      return;
    }
    for (const recipient of recipients) {
      const local = this.mailboxes.get(recipient.emailAddress.address.toLowerCase());
      if (local) {
        this.deliver(local, {
          from: { address: mailbox.address, name: mailbox.displayName },
          subject: message.subject,
          body: message.body.content,
          contentType: message.body.contentType,
          headers: [...message.internetMessageHeaders, { name: 'Message-ID', value: message.internetMessageId }],
          // Mail between mailboxes of the tenant: Exchange reports no SPF, DKIM or DMARC verdict.
          authentication: 'none',
        });
      }
    }
  }

  private later(action: () => void): void {
    this.after(this.options.bounceDelayMs, action);
  }

  private after(delayMs: number, action: () => void): void {
    const timer = setTimeout(() => {
      this.pendingTimers.delete(timer);
      action();
    }, delayMs);
    this.pendingTimers.add(timer);
  }

  private bounce(mailbox: Mailbox, record: OutboundRecord): void {
    const postmaster = `MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@${this.options.domain}`;
    this.deliver(mailbox, {
      from: { name: 'Microsoft Outlook', address: postmaster },
      subject: `Undeliverable: ${record.subject}`,
      contentType: 'text',
      body: [
        'Delivery has failed to these recipients or groups:',
        '',
        ...record.to,
        '',
        'Your message wasn\'t delivered because you have exceeded your sending limit. Try again later.',
        '',
        `Remote Server returned '554 5.2.0 STOREDRV.Submission.Exception:SubmissionQuotaExceededException; Failed to process message due to a permanent exception with message Cannot submit message.'`,
        '',
        `Original message ID: ${record.internetMessageId}`,
      ].join('\n'),
      headers: [
        { name: 'Auto-Submitted', value: 'auto-replied' },
        { name: 'X-MS-Exchange-Message-Is-Ndr', value: '' },
        { name: 'In-Reply-To', value: record.internetMessageId },
      ],
      authentication: 'none',
    });
  }

  close(): void {
    for (const timer of this.pendingTimers) clearTimeout(timer);
    this.pendingTimers.clear();
  }
}
