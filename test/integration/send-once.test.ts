import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { EmulatorState, RequestLogEntry } from '../../dev/emulator-client.js';
import { startAzurite } from '../../dev/storage-emulator.js';
import type { RunningAzurite } from '../../dev/storage-emulator.js';
import { GraphMailbox, intentPropertyId } from '../../src/graph/mailbox.js';
import { OutgoingMail } from '../../src/mail/outgoing-mail.js';
import { SentMailLedger } from '../../src/storage/sent-mail-ledger.js';
import type { SendIntent } from '../../src/storage/sent-mail-ledger.js';
import { Tables } from '../../src/storage/tables.js';
import { inbox, startTestEmulator } from '../support/emulator.js';
import type { TestEmulator } from '../support/emulator.js';

const jo = { name: 'Jo Bloggs', address: 'jo.bloggs@northshire.nhs.example' };
const noWait = { acquire: async () => ({ release: async (): Promise<void> => undefined }) };

/** A crash between Graph's 202 and recording "sent": the first markSent never happens. */
class CrashBeforeRecordingSent extends SentMailLedger {
  crashes = 1;

  override async markSent(record: SendIntent, now: Date): Promise<void> {
    if (this.crashes > 0) {
      this.crashes -= 1;
      throw new Error('worker killed after the 202, before recording "sent"');
    }
    await super.markSent(record, now);
  }
}

/** Every POST that can put a message on the wire: reply and sendMail (the old path), $batch and send steps (the new one). */
function sendCalls(log: RequestLogEntry[]): string[] {
  return log.flatMap((entry) => [
    ...(entry.method === 'POST' && /\/(reply|sendMail|\$batch)$/.test(entry.path) ? [entry.path] : []),
    ...(entry.batch ?? []).filter((step) => step.method === 'POST' && step.url.endsWith('/send')).map((step) => `$batch:${step.url}`),
  ]);
}

/**
 * Send-once through the real Graph SDK against the pessimistic emulator (Sent Items copies filed
 * 2 s late, without custom headers) and the ledger on Azurite.
 */
describe('OutgoingMail sends each intent at most once', () => {
  let storage: RunningAzurite;
  let env: TestEmulator;
  let tables: Tables;
  let now: Date;
  let originalId: string;
  let originalInternetMessageId: string;

  const outgoing = (ledger: SentMailLedger = new SentMailLedger(tables)): OutgoingMail => new OutgoingMail(new GraphMailbox(env.graph, inbox), ledger, noWait, () => now);
  const send = (mail: OutgoingMail, intent: string): ReturnType<OutgoingMail['sendOnce']> =>
    mail.sendOnce(intent, { to: [jo], subject: 'RE: Work Experience Quality Standard – Northshire', text: 'Thank you.', html: '<p>Thank you.</p>', inReplyTo: originalInternetMessageId }, { replyToMessageId: originalId });
  const outbound = async (): Promise<EmulatorState['outbound']> => (await env.control.state<EmulatorState>()).outbound;
  const drafts = async (): Promise<{ id: string }[]> => ((await env.control.state<EmulatorState>()).mailboxes[0]?.folders.drafts ?? []) as { id: string }[];
  const filedInSentItems = async (count: number): Promise<void> => {
    const deadline = Date.now() + 10_000;
    while ((((await env.control.state<EmulatorState>()).mailboxes[0]?.folders.sentitems ?? []).length) < count) {
      if (Date.now() > deadline) throw new Error('Sent Items never got the copy');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  beforeAll(async () => {
    storage = await startAzurite();
    tables = new Tables({ connectionString: storage.connectionString });
    env = await startTestEmulator();
  }, 60_000);
  afterAll(async () => {
    await env?.stop();
    await storage?.stop();
  });
  beforeEach(async () => {
    await env.control.call('POST', '/_emulator/reset');
    now = new Date('2026-12-01T09:00:00Z');
    ({ id: originalId, internetMessageId: originalInternetMessageId } = await env.control.deliver({ from: jo, subject: 'Work Experience Quality Standard – Northshire' }));
  });

  it('replies in the thread, marked with the intent in an extended property that Sent Items keeps, in two round trips', async () => {
    expect(await send(outgoing(), 'reply:thread')).toBe('sent');
    expect(await outbound()).toMatchObject([{ to: [jo.address], inReplyTo: originalInternetMessageId, status: 'delivered' }]);
    const calls = (await env.control.requests()).value.filter((entry) => entry.method !== 'GET' && entry.path.startsWith('/v1.0/'));
    expect(calls.map((entry) => decodeURIComponent(entry.path).replace(/messages\/[^/?]+/, 'messages/{id}'))).toEqual([`/v1.0/users/${inbox}/messages/{id}/createReply`, '/v1.0/$batch']);
    expect(calls[1]?.batch?.map((step) => [step.method, step.status])).toEqual([['PATCH', 200], ['POST', 202]]);
    await filedInSentItems(1);
    const [copy] = (await env.control.state<EmulatorState>()).mailboxes[0]?.folders.sentitems ?? [];
    expect(copy?.singleValueExtendedProperties).toEqual([{ id: intentPropertyId, value: expect.any(String) }]);
    expect(await send(outgoing(), 'reply:thread')).toBe('already-sent');
    expect(await outbound()).toHaveLength(1);
  });

  it('sends no second email after a crash between Graph\'s 202 and recording "sent"', async () => {
    await expect(send(outgoing(new CrashBeforeRecordingSent(tables)), 'reply:crash')).rejects.toThrow(/killed/);
    expect(await outbound()).toHaveLength(1);
    // Exchange has not filed the copy yet: the retry neither sends nor gives up.
    now = new Date(now.getTime() + 5_000);
    expect(await send(outgoing(), 'reply:crash')).toMatchObject({ kind: 'later', reason: 'send-outcome-unknown' });
    await filedInSentItems(1);
    now = new Date(now.getTime() + 120_000);
    expect(await send(outgoing(), 'reply:crash')).toBe('already-sent');
    expect(await outbound()).toHaveLength(1);
  });

  it('does not let the SDK re-POST a send answered 503 after Exchange carried it out; the ledger finds it later', async () => {
    await env.control.addFaults({ method: 'POST', path: '^/v1\\.0/(\\$batch|users/[^/]+/messages/[^/]+/reply|users/[^/]+/sendMail)$', status: 503, retryAfterSeconds: 0, afterApply: true, times: 1 });
    await expect(send(outgoing(), 'reply:503')).rejects.toMatchObject({ statusCode: 503 });
    expect(await outbound()).toHaveLength(1);
    expect(sendCalls((await env.control.requests()).value)).toHaveLength(1);
    await filedInSentItems(1);
    now = new Date(now.getTime() + 120_000);
    expect(await send(outgoing(), 'reply:503')).toBe('already-sent');
    expect(await outbound()).toHaveLength(1);
  });

  it('sends again once Sent Items shows, after the settling time, that a send answered 503 never went', async () => {
    await env.control.addFaults({ method: 'POST', path: '^/v1\\.0/(\\$batch|users/[^/]+/messages/[^/]+/reply|users/[^/]+/sendMail)$', status: 503, retryAfterSeconds: 0, times: 1 });
    await expect(send(outgoing(), 'reply:lost')).rejects.toMatchObject({ statusCode: 503 });
    expect(await outbound()).toHaveLength(0);
    now = new Date(now.getTime() + 120_000);
    expect(await send(outgoing(), 'reply:lost')).toBe('sent');
    expect(await outbound()).toHaveLength(1);
  });

  it('discards the marked draft a send step answered 503 left in Drafts (found by the intent property), and sends once', async () => {
    await env.control.addFaults({ method: 'POST', path: '/v1.0/users/*/messages/*/send', inBatch: true, status: 503, times: 1 });
    await expect(send(outgoing(), 'reply:draft-left')).rejects.toMatchObject({ statusCode: 503 });
    expect(await drafts()).toHaveLength(1);
    expect(await outbound()).toHaveLength(0);
    now = new Date(now.getTime() + 120_000);
    expect(await send(outgoing(), 'reply:draft-left')).toBe('sent');
    expect(await outbound()).toHaveLength(1);
    expect(await drafts()).toEqual([]);
    const filtered = (await env.control.requests()).value.filter((entry) => entry.method === 'GET' && decodeURIComponent(entry.path).includes("mailFolders('drafts')/messages"));
    expect(filtered).toHaveLength(1);
  });

  it('discards the unmarked draft of a send batch refused with 429 (by the id the ledger recorded), and sends once', async () => {
    await env.control.addFaults({ method: 'POST', path: '/v1.0/$batch', status: 429, retryAfterSeconds: 0, times: 1 });
    await expect(send(outgoing(), 'reply:throttled')).rejects.toMatchObject({ statusCode: 429 });
    const [leftover] = await drafts();
    expect(leftover).toBeDefined();
    expect(await send(outgoing(), 'reply:throttled')).toBe('sent');
    expect(await outbound()).toHaveLength(1);
    expect(await drafts()).toEqual([]);
    const deletes = (await env.control.requests()).value.filter((entry) => entry.method === 'DELETE');
    expect(deletes.map((entry) => decodeURIComponent(entry.path))).toEqual([`/v1.0/users/${inbox}/messages/${leftover?.id}`]);
  });

  it('sends once when two attempts of one intent run at once, leaving no draft behind', async () => {
    const results = await Promise.allSettled([send(outgoing(), 'reply:race'), send(outgoing(), 'reply:race')]);
    // The other stands back: 'in-progress', or, if it came after the hand-over, an unsettled outcome.
    const outcomes = results.map((result) => (result.status === 'rejected' ? String(result.reason) : typeof result.value === 'string' ? result.value : result.value.reason === 'send-outcome-unknown' ? 'unsettled' : result.value.reason));
    expect(outcomes.filter((outcome) => outcome === 'sent')).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome !== 'sent')).toEqual([expect.stringMatching(/^(in-progress|unsettled)$/)]);
    expect(await outbound()).toHaveLength(1);
    expect(await drafts()).toEqual([]);
  });

  it('never deletes a sent message as a leftover draft, even by an id that names it (immutable ids)', async () => {
    expect(await send(outgoing(), 'reply:sent')).toBe('sent');
    await filedInSentItems(1);
    const [copy] = ((await env.control.state<EmulatorState>()).mailboxes[0]?.folders.sentitems ?? []) as { id: string }[];
    expect(await new GraphMailbox(env.graph, inbox).discardIfDraft(copy?.id ?? '')).toBe(false);
    expect(((await env.control.state<EmulatorState>()).mailboxes[0]?.folders.sentitems ?? []).length).toBe(1);
  });

  it('sends a new message when the original has gone', async () => {
    await env.graph.api(`/users/${inbox}/messages/${originalId}`).delete();
    expect(await send(outgoing(), 'reply:gone')).toBe('sent');
    expect(await outbound()).toMatchObject([{ to: [jo.address], inReplyTo: originalInternetMessageId }]);
  });
});
