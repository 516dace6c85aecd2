import type { Client } from '@microsoft/microsoft-graph-client';
import { PageIterator } from '@microsoft/microsoft-graph-client';
import type { Message } from '@microsoft/microsoft-graph-types';
import { intentHeader } from '../mail/mime.js';
import { DeltaExpired } from '../ports/mailbox.port.js';
import type { DeltaPage, InboxEmail, MailboxPort } from '../ports/mailbox.port.js';
import { isGraphError } from './graph-errors.js';
import { odata, withFilter } from './odata-filter.js';

const emailFields = ['id', 'internetMessageId', 'conversationId', 'subject', 'from', 'receivedDateTime', 'categories', 'internetMessageHeaders'];

function toEmail(message: Message): InboxEmail {
  return {
    id: message.id ?? '',
    internetMessageId: message.internetMessageId ?? message.id ?? '',
    conversationId: message.conversationId ?? '',
    subject: message.subject ?? '',
    from: { address: message.from?.emailAddress?.address ?? '', ...(message.from?.emailAddress?.name ? { name: message.from.emailAddress.name } : {}) },
    receivedAt: message.receivedDateTime ?? new Date(0).toISOString(),
    categories: message.categories ?? [],
    headers: (message.internetMessageHeaders ?? []).map((header) => ({ name: header.name ?? '', value: header.value ?? '' })),
  };
}

/** The work experience inbox through Graph: /users/{inbox}/... (app-only code never uses /me). */
export class GraphMailbox implements MailboxPort {
  private readonly base: string;

  constructor(
    private readonly graph: Client,
    readonly address: string,
  ) {
    this.base = `/users/${encodeURIComponent(address)}`;
  }

  async getEmail(id: string): Promise<InboxEmail | undefined> {
    try {
      // internetMessageHeaders only come back when selected: https://learn.microsoft.com/graph/api/resources/message#properties
      return toEmail((await this.graph.api(`${this.base}/messages/${encodeURIComponent(id)}`).select(emailFields).get()) as Message);
    } catch (error) {
      if (isGraphError(error, 404)) return undefined;
      throw error;
    }
  }

  async setCategories(id: string, categories: string[]): Promise<void> {
    await this.graph.api(`${this.base}/messages/${encodeURIComponent(id)}`).patch({ categories });
  }

  /** https://learn.microsoft.com/graph/api/message-reply (MIME format: base64 text/plain body) */
  async replyWithMime(id: string, mime: string): Promise<boolean> {
    try {
      await this.graph.api(`${this.base}/messages/${encodeURIComponent(id)}/reply`).header('Content-Type', 'text/plain').post(mime);
      return true;
    } catch (error) {
      if (isGraphError(error, 404)) return false;
      throw error;
    }
  }

  /** https://learn.microsoft.com/graph/api/user-sendmail (MIME format) */
  async sendMime(mime: string): Promise<void> {
    await this.graph.api(`${this.base}/sendMail`).header('Content-Type', 'text/plain').post(mime);
  }

  async sentItemWithIntent(token: string, since: Date): Promise<boolean> {
    const page = (await withFilter(this.graph.api(`${this.base}/mailFolders('sentitems')/messages`), odata`sentDateTime ge ${since}`)
      .select(['id', 'internetMessageHeaders'])
      .top(100)
      .get()) as { value: Message[] };
    return page.value.some((message) => (message.internetMessageHeaders ?? []).some((header) => header.name?.toLowerCase() === intentHeader.toLowerCase() && header.value === token));
  }

  /** https://learn.microsoft.com/graph/api/message-delta */
  async inboxDelta(deltaLink: string | undefined): Promise<DeltaPage> {
    const messages: DeltaPage['messages'] = [];
    try {
      const first = (await (deltaLink
        ? this.graph.api(deltaLink)
        : this.graph.api(`${this.base}/mailFolders('inbox')/messages/delta`).select(['id', 'internetMessageId', 'receivedDateTime']).header('Prefer', 'odata.maxpagesize=100')
      ).get()) as { value: (Message & { '@removed'?: unknown })[] };
      const iterator = new PageIterator(this.graph, first, (item: Message & { '@removed'?: unknown }) => {
        if (!item['@removed'] && item.id) messages.push({ id: item.id, ...(item.internetMessageId ? { internetMessageId: item.internetMessageId } : {}), ...(item.receivedDateTime ? { receivedAt: item.receivedDateTime } : {}) });
        return true;
      }, { headers: { Prefer: 'odata.maxpagesize=100' } });
      await iterator.iterate();
      const next = iterator.getDeltaLink();
      if (!next) throw new Error('The inbox delta query ended without a delta link.');
      return { messages, deltaLink: next };
    } catch (error) {
      // An expired or reset sync state: start a new round (https://learn.microsoft.com/graph/delta-query-overview#synchronization-reset).
      if (isGraphError(error, 410) || (error instanceof Error && /syncstatenotfound|resyncrequired/i.test((error as { code?: string }).code ?? ''))) throw new DeltaExpired();
      throw error;
    }
  }
}
