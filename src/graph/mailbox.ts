import type { Client } from '@microsoft/microsoft-graph-client';
import { GraphError, PageIterator, RetryHandlerOptions } from '@microsoft/microsoft-graph-client';
import type { Message } from '@microsoft/microsoft-graph-types';
import { DeltaExpired } from '../ports/mailbox.port.js';
import type { DeltaPage, Draft, InboxEmail, MailboxPort } from '../ports/mailbox.port.js';
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

/**
 * The named MAPI property that marks each outgoing message with its send intent. Custom internet
 * headers do not survive into the Sent Items copy; extended properties do, and can be filtered on.
 * https://learn.microsoft.com/graph/api/resources/extended-properties-overview
 */
export const intentPropertyId = 'String {49177af3-11f2-4d94-82af-67e9c5d8faa1} Name WeqsIntent';

interface BatchStepResult {
  id: string;
  status: number;
  body?: { error?: { code?: string; message?: string } };
}

function batchStepError(step: BatchStepResult | undefined, doing: string): GraphError {
  const error = new GraphError(step?.status ?? -1, `Graph refused ${doing}: ${step?.body?.error?.message ?? 'no answer for the step'}`);
  error.code = step?.body?.error?.code ?? null;
  return error;
}

function addresses(recipients: Message['toRecipients']): string[] {
  return (recipients ?? []).map((recipient) => recipient.emailAddress?.address?.toLowerCase() ?? '');
}

function toDraft(message: Message): Draft {
  return { id: message.id ?? '', to: addresses(message.toRecipients), cc: addresses(message.ccRecipients) };
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

  /**
   * https://learn.microsoft.com/graph/api/message-createreply (MIME format: base64 text/plain body).
   * Exchange addresses the draft from the original (its sender, or its Reply-To), not from the MIME.
   */
  async draftReply(id: string, mime: string): Promise<Draft | undefined> {
    try {
      return toDraft((await this.graph.api(`${this.base}/messages/${encodeURIComponent(id)}/createReply`).header('Content-Type', 'text/plain').post(mime)) as Message);
    } catch (error) {
      if (isGraphError(error, 404)) return undefined;
      throw error;
    }
  }

  /** https://learn.microsoft.com/graph/api/user-post-messages (MIME format): saved in Drafts. */
  async draftMessage(mime: string): Promise<Draft> {
    return toDraft((await this.graph.api(`${this.base}/messages`).header('Content-Type', 'text/plain').post(mime)) as Message);
  }

  async discardDraft(id: string): Promise<void> {
    try {
      await this.graph.api(`${this.base}/messages/${encodeURIComponent(id)}`).delete();
    } catch (error) {
      if (!isGraphError(error, 404)) throw error;
    }
  }

  /**
   * A message id names the item wherever it is (and Exchange may keep it when an item moves, with
   * immutable ids), so the item is read first: only a draft is deleted.
   * https://learn.microsoft.com/graph/api/resources/message (isDraft)
   */
  async discardIfDraft(id: string): Promise<boolean> {
    let message: Message;
    try {
      message = (await this.graph.api(`${this.base}/messages/${encodeURIComponent(id)}`).select(['id', 'isDraft']).get()) as Message;
    } catch (error) {
      if (isGraphError(error, 404)) return false;
      throw error;
    }
    if (message.isDraft !== true) return false;
    await this.discardDraft(id);
    return true;
  }

  /** Drafts filtered on the intent property, as Sent Items is in `sentItemWithIntent`. */
  async draftsWithIntent(intentToken: string): Promise<string[]> {
    const filter = odata`singleValueExtendedProperties/Any(ep: ep/id eq ${intentPropertyId} and ep/value eq ${intentToken})`;
    const page = (await withFilter(this.graph.api(`${this.base}/mailFolders('drafts')/messages`), filter)
      .select(['id', 'isDraft'])
      .top(10)
      .get()) as { value: Message[] };
    return page.value.filter((message) => message.isDraft !== false && message.id).map((message) => message.id as string);
  }

  /**
   * One `$batch`: the intent property on the draft, then (depending on it) the send. The SDK's
   * retry handler is off for it: a 503 or 504 may come after Exchange took the message, and a
   * retry outside the ledger would send it twice.
   * https://learn.microsoft.com/graph/api/singlevaluelegacyextendedproperty-post-singlevalueextendedproperties
   * https://learn.microsoft.com/graph/api/message-send
   */
  async sendDraft(id: string, intentToken: string): Promise<void> {
    const path = `${this.base}/messages/${encodeURIComponent(id)}`;
    const response = (await this.graph
      .api('/$batch')
      .middlewareOptions([new RetryHandlerOptions(0, 0)])
      .post({
        requests: [
          { id: 'mark', method: 'PATCH', url: path, headers: { 'Content-Type': 'application/json' }, body: { singleValueExtendedProperties: [{ id: intentPropertyId, value: intentToken }] } },
          { id: 'send', method: 'POST', url: `${path}/send`, dependsOn: ['mark'] },
        ],
      })) as { responses?: BatchStepResult[] };
    const step = (name: string): BatchStepResult | undefined => response.responses?.find((candidate) => candidate.id === name);
    const mark = step('mark');
    if (!mark || mark.status >= 300) throw batchStepError(mark, 'marking the draft');
    const send = step('send');
    // 424: the send never ran because the mark failed; anything else from the send step is its own answer.
    if (!send || send.status >= 300) throw batchStepError(send, 'sending the draft');
  }

  /** https://learn.microsoft.com/graph/api/singlevaluelegacyextendedproperty-get (filter on id and value). */
  async sentItemWithIntent(intentToken: string): Promise<boolean> {
    const filter = odata`singleValueExtendedProperties/Any(ep: ep/id eq ${intentPropertyId} and ep/value eq ${intentToken})`;
    const page = (await withFilter(this.graph.api(`${this.base}/mailFolders('sentitems')/messages`), filter)
      .select(['id'])
      .top(1)
      .get()) as { value: Message[] };
    return page.value.length > 0;
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
