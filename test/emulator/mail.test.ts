import { randomBytes } from 'node:crypto';
import { PageIterator, ResponseType } from '@microsoft/microsoft-graph-client';
import type { PageCollection } from '@microsoft/microsoft-graph-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { EmulatorState } from '../../dev/emulator-client.js';
import { inbox, otherMailbox, startTestEmulator } from '../support/emulator.js';
import type { TestEmulator } from '../support/emulator.js';
import { graphError } from './support/clients.js';

/**
 * Outlook messages through Graph v1.0 (facts file §3, §11): message-get, message-list, message-update,
 * message-move, message-reply, message-createreply, message-send, user-post-messages, user-sendmail.
 */
interface Message {
  id: string;
  subject: string;
  isRead: boolean;
  isDraft: boolean;
  categories: string[];
  changeKey: string;
  conversationId: string;
  internetMessageId: string;
  parentFolderId: string;
  receivedDateTime: string;
  body: { contentType: string; content: string };
  toRecipients: { emailAddress: { address: string; name?: string } }[];
  internetMessageHeaders?: { name: string; value: string }[];
  singleValueExtendedProperties?: { id: string; value: string }[];
}

interface Collection<T> {
  '@odata.context': string;
  '@odata.nextLink'?: string;
  value: T[];
}

const wexKey = 'String {66f5a359-4659-4830-9070-00047ec6ac6e} Name WexKey';
const jo = { name: 'Jo Bloggs', address: 'jo@trust.example' };

function missingMessageId(): string {
  return `AAMkAD${randomBytes(30).toString('base64url')}=`;
}

function base64Mime(lines: string[]): string {
  return Buffer.from(lines.join('\r\n'), 'utf8').toString('base64');
}

describe('Outlook messages', () => {
  let env: TestEmulator;
  const api = (path: string) => env.graph.api(path);
  const deliver = (subject: string, extra: Partial<Parameters<TestEmulator['control']['deliver']>[0]> = {}) =>
    env.control.deliver({ from: jo, subject, body: `${subject} body`, ...extra });
  const folder = async (name: string): Promise<Message[]> =>
    ((await api(`/users/${inbox}/mailFolders/${name}/messages`).top(100).get()) as Collection<Message>).value;
  const state = () => env.control.state<EmulatorState>();
  /** Sent Items once it holds `count` copies: Exchange files them a while after the 202 (tenant behaviour sentItemsDelayMs). */
  const sentItems = async (count: number): Promise<Message[]> => {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const messages = await folder('sentitems');
      if (messages.length >= count || Date.now() > deadline) return messages;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  beforeAll(async () => {
    env = await startTestEmulator();
  });
  afterAll(async () => env.stop());
  beforeEach(async () => {
    await env.control.call('POST', '/_emulator/reset');
  });

  describe('GET /users/{mbx}/messages/{id}', () => {
    it('writes date-times as Outlook does, to the second (message resource samples)', async () => {
      const { id } = await env.control.deliver({ from: { address: 'jo@trust.example' }, subject: 'Dates' });
      const message = (await api(`/users/${inbox}/messages/${id}`).get()) as Record<string, string>;
      for (const name of ['receivedDateTime', 'sentDateTime', 'createdDateTime', 'lastModifiedDateTime']) expect(message[name], name).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    });

    it('returns only the $select-ed properties plus id and @odata.etag', async () => {
      const { id } = await deliver('Application from Acme');
      const message = (await api(`/users/${inbox}/messages/${id}`).select(['subject', 'isRead']).get()) as Record<string, unknown>;
      expect(Object.keys(message).filter((key) => key !== '@odata.context').sort()).toEqual(['@odata.etag', 'id', 'isRead', 'subject']);
      expect(message).toMatchObject({ id, subject: 'Application from Acme', isRead: false });
      expect(message['@odata.etag']).toMatch(/^W\/".+"$/);
    });

    it('returns internetMessageHeaders only when $select-ed', async () => {
      const { id } = await deliver('Headers', { headers: [{ name: 'X-Trust-Ref', value: 'T-42' }] });
      const full = (await api(`/users/${inbox}/messages/${id}`).get()) as Message;
      expect(full).not.toHaveProperty('internetMessageHeaders');
      expect(full.subject).toBe('Headers');
      const selected = (await api(`/users/${inbox}/messages/${id}`).select('internetMessageHeaders').get()) as Message;
      const names = selected.internetMessageHeaders?.map((header) => header.name) ?? [];
      expect(names).toEqual(expect.arrayContaining(['Received', 'Authentication-Results', 'X-Trust-Ref', 'Message-ID']));
      expect(selected.internetMessageHeaders?.find((header) => header.name === 'Authentication-Results')?.value).toMatch(/spf=pass .*dkim=pass .*dmarc=pass .*compauth=pass reason=100/);
    });

    it('stamps its own Authentication-Results, without an authserv-id, above whatever the message carried', async () => {
      const carried = { name: 'Authentication-Results', value: 'mx.evil.example; spf=pass; dkim=pass; dmarc=pass' };
      const results = async (extra: Partial<Parameters<TestEmulator['control']['deliver']>[0]>): Promise<string[]> => {
        const { id } = await deliver('Stamped', extra);
        const selected = (await api(`/users/${inbox}/messages/${id}`).select('internetMessageHeaders').get()) as Message;
        return (selected.internetMessageHeaders ?? []).filter((header) => header.name === 'Authentication-Results').map((header) => header.value ?? '');
      };
      const spoofed = await results({ headers: [carried], authentication: 'fail' });
      expect(spoofed).toHaveLength(2);
      expect(spoofed[0]).toMatch(/^spf=fail .*dmarc=fail action=oreject .*compauth=fail reason=000$/);
      expect(spoofed[1]).toBe(carried.value);
      expect((await results({ headers: [carried] }))[0]).toMatch(/^spf=pass /);
      expect((await results({ authentication: 'none' }))[0]).toMatch(/^spf=none .*dkim=none .*dmarc=none /);
      // Delivered with no result of the receiving service's own: only what the message carried.
      expect(await results({ headers: [carried], authentication: 'missing' })).toEqual([carried.value]);
      expect(await results({ authentication: 'missing' })).toEqual([]);
    });

    it('returns an HTML body as text, with Preference-Applied, for Prefer: outlook.body-content-type="text"', async () => {
      const { id } = await deliver('HTML', { contentType: 'html', body: '<html><body><p>Hello <b>Jo</b> &amp; team</p></body></html>' });
      const html = (await api(`/users/${inbox}/messages/${id}`).select('body').get()) as Message;
      expect(html.body.contentType).toBe('html');
      const response = (await api(`/users/${inbox}/messages/${id}`).select('body').header('Prefer', 'outlook.body-content-type="text"').responseType(ResponseType.RAW).get()) as Response;
      expect(response.status).toBe(200);
      expect(response.headers.get('preference-applied')).toBe('outlook.body-content-type="text"');
      const text = (await response.json()) as Message;
      expect(text.body).toEqual({ contentType: 'text', content: 'Hello Jo & team' });
    });

    it('returns 400 ErrorInvalidIdMalformed for an id that is not an Exchange id', async () => {
      const error = await graphError(api(`/users/${inbox}/messages/not-a-message-id`).get());
      expect([error.statusCode, error.code]).toEqual([400, 'ErrorInvalidIdMalformed']);
    });

    it('returns 404 ErrorItemNotFound for a well-formed id that does not exist', async () => {
      const error = await graphError(api(`/users/${inbox}/messages/${missingMessageId()}`).get());
      expect([error.statusCode, error.code]).toEqual([404, 'ErrorItemNotFound']);
    });

    it('returns 404 ErrorInvalidUser for a mailbox that does not exist', async () => {
      const error = await graphError(api('/users/nobody@weqs.nhs.example/messages').get());
      expect([error.statusCode, error.code]).toEqual([404, 'ErrorInvalidUser']);
    });
  });

  describe('GET /users/{mbx}/mailFolders/{folder}/messages', () => {
    it('pages 10 at a time by default with an absolute https @odata.nextLink that the SDK PageIterator follows', async () => {
      const delivered = new Set<string>();
      for (let index = 0; index < 12; index += 1) delivered.add((await deliver(`Message ${index}`)).id);
      const first = (await api(`/users/${inbox}/mailFolders/inbox/messages`).select('subject').get()) as PageCollection;
      expect(first.value).toHaveLength(10);
      const nextLink = first['@odata.nextLink'] as string;
      expect(nextLink.startsWith(`${env.emulator.url}/v1.0/users/`)).toBe(true);
      const seen: string[] = [];
      const iterator = new PageIterator(env.graph, first, (item: { id: string }) => {
        seen.push(item.id);
        return true;
      });
      await iterator.iterate();
      expect(seen).toHaveLength(12);
      expect(new Set(seen)).toEqual(delivered);
    });

    it('honours $top and returns the newest first', async () => {
      for (let index = 0; index < 7; index += 1) {
        await deliver(`Ordered ${index}`);
        await env.control.call('POST', '/_emulator/clock', { advanceMs: 60_000 });
      }
      const page = (await api(`/users/${inbox}/mailFolders/inbox/messages`).top(5).select('subject').get()) as Collection<Message>;
      expect(page.value.map((message) => message.subject)).toEqual(['Ordered 6', 'Ordered 5', 'Ordered 4', 'Ordered 3', 'Ordered 2']);
      const next = new URL(page['@odata.nextLink'] ?? '');
      expect(next.searchParams.get('$top')).toBe('5');
      const rest = (await api(page['@odata.nextLink'] ?? '').get()) as Collection<Message>;
      expect(rest.value.map((message) => message.subject)).toEqual(['Ordered 1', 'Ordered 0']);
      expect(rest).not.toHaveProperty('@odata.nextLink');
    });

    it('filters on conversationId, keeping a thread together', async () => {
      const first = await deliver('Thread start');
      await deliver('Unrelated');
      const followUp = await deliver('RE: Thread start', { headers: [{ name: 'In-Reply-To', value: first.internetMessageId }] });
      const original = (await api(`/users/${inbox}/messages/${first.id}`).select('conversationId').get()) as Message;
      const thread = (await api(`/users/${inbox}/mailFolders/inbox/messages`).filter(`conversationId eq '${original.conversationId}'`).select('subject').get()) as Collection<Message>;
      expect(thread.value.map((message) => message.id).sort()).toEqual([first.id, followUp.id].sort());
    });

    it('filters on isRead eq false', async () => {
      const read = await deliver('Already handled');
      const unread = await deliver('Still to do');
      await api(`/users/${inbox}/messages/${read.id}`).patch({ isRead: true });
      const page = (await api(`/users/${inbox}/mailFolders/inbox/messages`).filter('isRead eq false').get()) as Collection<Message>;
      expect(page.value.map((message) => message.id)).toEqual([unread.id]);
    });

    it('filters Sent Items on a single-value extended property with Any(), and $expand returns it', async () => {
      const sendWithKey = (key: string) =>
        api(`/users/${inbox}/sendMail`).post({
          message: { subject: `Offer ${key}`, body: { contentType: 'Text', content: 'Offer' }, toRecipients: [{ emailAddress: { address: jo.address } }], singleValueExtendedProperties: [{ id: wexKey, value: key }] },
        });
      await sendWithKey('app-001');
      await sendWithKey('app-002');
      await sentItems(2);
      const page = (await api(`/users/${inbox}/mailFolders/sentitems/messages`)
        .filter(`singleValueExtendedProperties/Any(ep: ep/id eq '${wexKey}' and ep/value eq 'app-002')`)
        .expand(`singleValueExtendedProperties($filter=id eq '${wexKey}')`)
        .get()) as Collection<Message>;
      expect(page.value.map((message) => message.subject)).toEqual(['Offer app-002']);
      expect(page.value[0]?.singleValueExtendedProperties).toEqual([{ id: wexKey, value: 'app-002' }]);
    });

    it('returns 400 InefficientFilter when an $orderby property is not also first in $filter', async () => {
      await deliver('Any');
      const error = await graphError(api(`/users/${inbox}/mailFolders/inbox/messages`).filter('isRead eq false').orderby('receivedDateTime desc').get());
      expect([error.statusCode, error.code]).toEqual([400, 'InefficientFilter']);
    });

    it('accepts $orderby when the same property leads the $filter', async () => {
      await deliver('Older');
      await env.control.call('POST', '/_emulator/clock', { advanceMs: 60_000 });
      await deliver('Newer');
      const page = (await api(`/users/${inbox}/mailFolders/inbox/messages`)
        .filter('receivedDateTime ge 2000-01-01T00:00:00Z and isRead eq false')
        .orderby('receivedDateTime asc')
        .get()) as Collection<Message>;
      expect(page.value.map((message) => message.subject)).toEqual(['Older', 'Newer']);
    });
  });

  describe('PATCH /users/{mbx}/messages/{id}', () => {
    it('updates categories and isRead and returns 200 with the updated message', async () => {
      const { id } = await deliver('To triage');
      const before = (await api(`/users/${inbox}/messages/${id}`).get()) as Message;
      const response = (await api(`/users/${inbox}/messages/${id}`).responseType(ResponseType.RAW).patch({ isRead: true, categories: ['WEX-Processed'] })) as Response;
      expect(response.status).toBe(200);
      const updated = (await response.json()) as Message;
      expect(updated).toMatchObject({ id, isRead: true, categories: ['WEX-Processed'], subject: 'To triage' });
      expect(updated.changeKey).not.toBe(before.changeKey);
      const replaced = (await api(`/users/${inbox}/messages/${id}`).patch({ categories: ['Other'] })) as Message;
      expect(replaced.categories).toEqual(['Other']);
    });

    it('returns 400 ErrorInvalidPropertySet for a read-only property', async () => {
      const { id } = await deliver('Read-only');
      const error = await graphError(api(`/users/${inbox}/messages/${id}`).patch({ receivedDateTime: '2020-01-01T00:00:00Z' }));
      expect([error.statusCode, error.code]).toEqual([400, 'ErrorInvalidPropertySet']);
    });

    it('returns 400 ErrorInvalidPropertyUpdateSentMessage when changing the subject of a received message', async () => {
      const { id } = await deliver('Not a draft');
      const error = await graphError(api(`/users/${inbox}/messages/${id}`).patch({ subject: 'Changed' }));
      expect([error.statusCode, error.code]).toEqual([400, 'ErrorInvalidPropertyUpdateSentMessage']);
      expect(((await api(`/users/${inbox}/messages/${id}`).select('subject').get()) as Message).subject).toBe('Not a draft');
    });

    it('returns 400 RequestBodyRead for a property the message type does not have', async () => {
      const { id } = await deliver('Unknown property');
      const error = await graphError(api(`/users/${inbox}/messages/${id}`).patch({ colour: 'blue' }));
      expect([error.statusCode, error.code]).toEqual([400, 'RequestBodyRead']);
    });
  });

  describe('POST /users/{mbx}/messages/{id}/move', () => {
    it('returns 201 with the moved message under a NEW id; the old id is gone (404)', async () => {
      const { id, internetMessageId } = await deliver('To archive');
      const response = (await api(`/users/${inbox}/messages/${id}/move`).responseType(ResponseType.RAW).post({ destinationId: 'archive' })) as Response;
      expect(response.status).toBe(201);
      const moved = (await response.json()) as Message;
      expect(moved.id).not.toBe(id);
      expect(moved.internetMessageId).toBe(internetMessageId);
      const archive = (await api(`/users/${inbox}/mailFolders/archive`).get()) as { id: string };
      expect(moved.parentFolderId).toBe(archive.id);
      expect((await folder('archive')).map((message) => message.id)).toEqual([moved.id]);
      const error = await graphError(api(`/users/${inbox}/messages/${id}`).get());
      expect([error.statusCode, error.code]).toEqual([404, 'ErrorItemNotFound']);
    });
  });

  describe('POST /users/{mbx}/messages/{id}/reply', () => {
    it('returns 202 with an empty body and files a threaded copy in Sent Items', async () => {
      const original = await deliver('Placement enquiry');
      const originalMessage = (await api(`/users/${inbox}/messages/${original.id}`).select('conversationId').get()) as Message;
      const response = (await api(`/users/${inbox}/messages/${original.id}/reply`).responseType(ResponseType.RAW).post({ comment: 'Thank you, we will be in touch.' })) as Response;
      expect(response.status).toBe(202);
      expect(await response.text()).toBe('');
      const sent = await sentItems(1);
      expect(sent).toHaveLength(1);
      expect(sent[0]).toMatchObject({ subject: 'RE: Placement enquiry', conversationId: originalMessage.conversationId, isDraft: false });
      expect(sent[0]?.toRecipients.map((recipient) => recipient.emailAddress.address)).toEqual([jo.address]);
      expect(sent[0]?.body.content).toContain('Thank you, we will be in touch.');
      const outbound = (await state()).outbound;
      expect(outbound).toHaveLength(1);
      expect(outbound[0]).toMatchObject({ to: [jo.address], subject: 'RE: Placement enquiry', inReplyTo: original.internetMessageId, status: 'delivered' });
    });

    it('returns 400 when both comment and message.body are given, and sends nothing', async () => {
      const { id } = await deliver('Both');
      const error = await graphError(api(`/users/${inbox}/messages/${id}/reply`).post({ comment: 'one', message: { body: { contentType: 'Text', content: 'two' } } }));
      expect([error.statusCode, error.code]).toEqual([400, 'ErrorInvalidRequest']);
      expect((await state()).outbound).toHaveLength(0);
    });

    it('accepts a base64 MIME reply (multipart/alternative), addressed to the original sender whatever its To: says; the Sent Items copy has no X- header', async () => {
      const original = await deliver('Documents');
      const originalMessage = (await api(`/users/${inbox}/messages/${original.id}`).select('conversationId').get()) as Message;
      const mime = base64Mime([
        `From: Work Experience <${inbox}>`,
        'To: Someone Else <someone.else@elsewhere.example>',
        'Subject: RE: Documents',
        `In-Reply-To: ${original.internetMessageId}`,
        'X-WEQS-Correlation: app-123',
        'MIME-Version: 1.0',
        'Content-Type: multipart/alternative; boundary="b1"',
        '',
        '--b1',
        'Content-Type: text/plain; charset=utf-8',
        '',
        'Plain part of the reply',
        '--b1',
        'Content-Type: text/html; charset=utf-8',
        '',
        '<p>HTML part of the reply</p>',
        '--b1--',
        '',
      ]);
      const response = (await api(`/users/${inbox}/messages/${original.id}/reply`).header('Content-Type', 'text/plain').responseType(ResponseType.RAW).post(mime)) as Response;
      expect(response.status).toBe(202);
      const [sent] = await sentItems(1);
      if (!sent) throw new Error('no Sent Items copy');
      expect(sent.conversationId).toBe(originalMessage.conversationId);
      const withHeaders = (await api(`/users/${inbox}/messages/${sent.id}`).select(['internetMessageHeaders', 'body', 'subject']).get()) as Message;
      expect(withHeaders.subject).toBe('RE: Documents');
      expect(withHeaders.internetMessageHeaders ?? []).not.toContainEqual({ name: 'X-WEQS-Correlation', value: 'app-123' });
      expect(withHeaders.body.contentType).toBe('html');
      expect(withHeaders.body.content).toContain('<p>HTML part of the reply</p>');
      const asText = (await api(`/users/${inbox}/messages/${sent.id}`).select('body').header('Prefer', 'outlook.body-content-type="text"').get()) as Message;
      expect(asText.body.content.trim()).toBe('Plain part of the reply');
      const [record] = (await state()).outbound;
      expect(record).toMatchObject({ to: [jo.address], text: 'Plain part of the reply\n', inReplyTo: original.internetMessageId });
      expect(record?.headers).toContainEqual({ name: 'X-WEQS-Correlation', value: 'app-123' });
    });

    it('returns 400 ErrorMimeContentInvalidBase64String for a MIME body that is not base64', async () => {
      const { id } = await deliver('Bad MIME');
      const error = await graphError(api(`/users/${inbox}/messages/${id}/reply`).header('Content-Type', 'text/plain').post('this is *not* base64!'));
      expect([error.statusCode, error.code]).toEqual([400, 'ErrorMimeContentInvalidBase64String']);
    });
  });

  describe('createReply then send', () => {
    it('creates a 201 draft reply, and send returns 202, removes the draft and files it in Sent Items', async () => {
      const original = await deliver('Can I come in July?');
      const created = (await api(`/users/${inbox}/messages/${original.id}/createReply`).responseType(ResponseType.RAW).post({})) as Response;
      expect(created.status).toBe(201);
      const draft = (await created.json()) as Message;
      expect(draft).toMatchObject({ isDraft: true, subject: 'RE: Can I come in July?' });
      expect(draft.toRecipients.map((recipient) => recipient.emailAddress.address)).toEqual([jo.address]);
      expect((await folder('drafts')).map((message) => message.id)).toEqual([draft.id]);

      const edited = (await api(`/users/${inbox}/messages/${draft.id}`).patch({ body: { contentType: 'HTML', content: '<p>Yes, July works.</p>' } })) as Message;
      expect(edited.body.content).toBe('<p>Yes, July works.</p>');

      const sent = (await api(`/users/${inbox}/messages/${draft.id}/send`).responseType(ResponseType.RAW).post(undefined)) as Response;
      expect(sent.status).toBe(202);
      expect(await sent.text()).toBe('');
      const gone = await graphError(api(`/users/${inbox}/messages/${draft.id}`).get());
      expect([gone.statusCode, gone.code]).toEqual([404, 'ErrorItemNotFound']);
      expect(await folder('drafts')).toHaveLength(0);
      const filed = await sentItems(1);
      expect(filed.map((message) => [message.subject, message.isDraft, message.body.content])).toEqual([['RE: Can I come in July?', false, '<p>Yes, July works.</p>']]);
    });
  });

  describe('POST /users/{mbx}/messages (create)', () => {
    it('returns 400 InvalidInternetMessageHeader for a custom header whose name does not start with x-', async () => {
      const error = await graphError(
        api(`/users/${inbox}/messages`).post({ subject: 'Bad header', toRecipients: [{ emailAddress: { address: jo.address } }], internetMessageHeaders: [{ name: 'WexKey', value: 'abc' }] }),
      );
      expect([error.statusCode, error.code]).toEqual([400, 'InvalidInternetMessageHeader']);
      expect(error.message).toBe("The internet message header name 'WexKey' should start with 'x-' or 'X-'.");
      expect(await folder('drafts')).toHaveLength(0);
    });

    it('creates a 201 draft keeping x- headers, which cannot be changed afterwards', async () => {
      const response = (await api(`/users/${inbox}/messages`)
        .responseType(ResponseType.RAW)
        .post({ subject: 'With header', toRecipients: [{ emailAddress: { address: jo.address } }], internetMessageHeaders: [{ name: 'x-wex-key', value: 'abc' }] })) as Response;
      expect(response.status).toBe(201);
      const draft = (await response.json()) as Message;
      expect(draft.isDraft).toBe(true);
      const selected = (await api(`/users/${inbox}/messages/${draft.id}`).select('internetMessageHeaders').get()) as Message;
      expect(selected.internetMessageHeaders).toEqual([{ name: 'x-wex-key', value: 'abc' }]);
      const error = await graphError(api(`/users/${inbox}/messages/${draft.id}`).patch({ internetMessageHeaders: [{ name: 'x-wex-key', value: 'changed' }] }));
      expect(error.statusCode).toBe(400);
    });
  });

  describe('POST /users/{mbx}/sendMail', () => {
    const message = (extra: Record<string, unknown> = {}) => ({
      subject: 'Your application',
      body: { contentType: 'HTML', content: '<p>Received</p>' },
      toRecipients: [{ emailAddress: { address: jo.address } }],
      internetMessageHeaders: [{ name: 'X-WEQS-Key', value: 'app-9' }],
      ...extra,
    });

    it('returns 202 with an empty body and saves a copy to Sent Items by default', async () => {
      const response = (await api(`/users/${inbox}/sendMail`).responseType(ResponseType.RAW).post({ message: message() })) as Response;
      expect(response.status).toBe(202);
      expect(await response.text()).toBe('');
      const [sent] = await sentItems(1);
      if (!sent) throw new Error('no Sent Items copy');
      const withHeaders = (await api(`/users/${inbox}/messages/${sent.id}`).select(['subject', 'internetMessageHeaders', 'isDraft']).get()) as Message;
      expect(withHeaders).toMatchObject({ subject: 'Your application', isDraft: false });
      // Copies in Sent Items carry no custom internet headers (microsoft-graph-docs#2716); the recipient's copy does.
      expect(withHeaders.internetMessageHeaders ?? []).toEqual([]);
      expect((await state()).outbound).toMatchObject([{ to: [jo.address], subject: 'Your application', html: '<p>Received</p>', status: 'delivered' }]);
    });

    it('sends without a Sent Items copy when saveToSentItems is false', async () => {
      const response = (await api(`/users/${inbox}/sendMail`).responseType(ResponseType.RAW).post({ message: message(), saveToSentItems: false })) as Response;
      expect(response.status).toBe(202);
      expect(await folder('sentitems')).toHaveLength(0);
      expect((await state()).outbound).toHaveLength(1);
    });

    it('delivers to a mailbox in the same tenant with the custom header intact', async () => {
      await api(`/users/${inbox}/sendMail`).post({ message: message({ toRecipients: [{ emailAddress: { address: otherMailbox } }] }) });
      const samInbox = (await state()).mailboxes.find((mailbox) => mailbox.address === otherMailbox)?.folders.inbox ?? [];
      expect(samInbox.map((received) => received.subject)).toEqual(['Your application']);
      expect(samInbox[0]?.internetMessageHeaders).toContainEqual({ name: 'X-WEQS-Key', value: 'app-9' });
      expect(samInbox[0]?.from?.emailAddress.address).toBe(inbox);
    });

    it('returns 400 ErrorInvalidRecipients for a message without recipients, and sends nothing', async () => {
      const error = await graphError(api(`/users/${inbox}/sendMail`).post({ message: message({ toRecipients: [] }) }));
      expect([error.statusCode, error.code]).toEqual([400, 'ErrorInvalidRecipients']);
      const current = await state();
      expect(current.outbound).toHaveLength(0);
      expect(await folder('sentitems')).toHaveLength(0);
    });

    it('files the Sent Items copy only after the tenant\'s delay, with its extended properties', async () => {
      await api(`/users/${inbox}/sendMail`).post({ message: message({ singleValueExtendedProperties: [{ id: wexKey, value: 'late' }] }) });
      expect((await state()).outbound).toHaveLength(1);
      expect(await folder('sentitems')).toHaveLength(0);
      const byProperty = () =>
        api(`/users/${inbox}/mailFolders/sentitems/messages`).filter(`singleValueExtendedProperties/Any(ep: ep/id eq '${wexKey}' and ep/value eq 'late')`).get() as Promise<Collection<Message>>;
      expect((await byProperty()).value).toHaveLength(0);
      expect(await sentItems(1)).toHaveLength(1);
      expect((await byProperty()).value).toHaveLength(1);
    });

    it('returns 403 ErrorSendAsDenied for a From other than the mailbox, in JSON and in MIME, and sends nothing', async () => {
      const json = await graphError(api(`/users/${inbox}/sendMail`).post({ message: message({ from: { emailAddress: { address: otherMailbox } } }) }));
      expect([json.statusCode, json.code]).toEqual([403, 'ErrorSendAsDenied']);
      const mime = base64Mime([`From: Sam <${otherMailbox}>`, `To: ${jo.address}`, 'Subject: As someone else', 'Content-Type: text/plain; charset=utf-8', '', 'x', '']);
      const viaMime = await graphError(api(`/users/${inbox}/sendMail`).header('Content-Type', 'text/plain').post(mime));
      expect([viaMime.statusCode, viaMime.code]).toEqual([403, 'ErrorSendAsDenied']);
      expect((await state()).outbound).toHaveLength(0);
    });

    it('returns 400 InvalidInternetMessageHeaderCollection for more than five custom headers', async () => {
      const headers = (count: number) => Array.from({ length: count }, (_, index) => ({ name: `X-Custom-${index}`, value: String(index) }));
      await api(`/users/${inbox}/sendMail`).post({ message: message({ internetMessageHeaders: headers(5) }) });
      const error = await graphError(api(`/users/${inbox}/sendMail`).post({ message: message({ internetMessageHeaders: headers(6) }) }));
      expect([error.statusCode, error.code]).toEqual([400, 'InvalidInternetMessageHeaderCollection']);
      expect((await state()).outbound).toHaveLength(1);
    });

    it('returns 400 when the message parameter is missing', async () => {
      const error = await graphError(api(`/users/${inbox}/sendMail`).post({ saveToSentItems: true }));
      expect([error.statusCode, error.code]).toEqual([400, 'ErrorInvalidRequest']);
    });
  });
});
