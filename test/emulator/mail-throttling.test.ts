import type { Client } from '@microsoft/microsoft-graph-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { EmulatorState } from '../../dev/emulator-client.js';
import { inbox, otherMailbox, startTestEmulator } from '../support/emulator.js';
import type { TestEmulator } from '../support/emulator.js';
import { extraApp, plainGraphClient, secretCredential, weqsCredential } from './support/clients.js';

/**
 * Outlook limits (facts file §4, traps 8 and 11): 4 concurrent requests per app and mailbox
 * (429 ApplicationThrottled), and Exchange Online's 30 messages a minute per mailbox, which Graph
 * accepts with 202 and reports later as a non-delivery report.
 * https://learn.microsoft.com/graph/throttling-limits#outlook-service-limits ,
 * https://learn.microsoft.com/office365/servicedescriptions/exchange-online-service-description/exchange-online-limits
 */
const reader = extraApp('5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a81', 'Tenant mail reader', ['Mail.Read']);

type Outcome = { status: number; code?: string; retryAfter?: string | null | undefined; message?: string };

async function outcome(call: Promise<unknown>): Promise<Outcome> {
  try {
    await call;
    return { status: 200 };
  } catch (error) {
    const graphError = error as { statusCode: number; code: string; message: string; headers?: Headers };
    return { status: graphError.statusCode, code: graphError.code, retryAfter: graphError.headers?.get('retry-after'), message: graphError.message };
  }
}

describe('mailbox throttling', () => {
  let env: TestEmulator;
  let noRetries: Client;
  let withRetries: Client;
  const inboxList = `/users/${inbox}/mailFolders/inbox/messages`;
  const overlap = () => env.control.addFaults({ path: '/v1.0/users/*/mailFolders/inbox/messages', latencyMs: 300 });

  beforeAll(async () => {
    env = await startTestEmulator({
      tuning: { bounceDelayMs: 50 },
      tenant: (seed) => ({ ...seed, applications: [...seed.applications, reader] }),
    });
    const credential = await weqsCredential(env);
    noRetries = plainGraphClient(env, credential, { maxRetries: 0 });
    withRetries = plainGraphClient(env, credential, { maxRetries: 3 });
    // Warm the token caches, so the concurrent calls below reach the mailbox together.
    await noRetries.api(inboxList).get();
    await withRetries.api(inboxList).get();
  });
  afterAll(async () => env.stop());
  beforeEach(async () => {
    await env.control.call('POST', '/_emulator/reset');
  });

  describe('4 concurrent requests per app and mailbox', () => {
    it('answers requests beyond the fourth concurrent one with 429 ApplicationThrottled and Retry-After', async () => {
      await overlap();
      const results = await Promise.all(Array.from({ length: 8 }, () => outcome(noRetries.api(inboxList).get())));
      const ok = results.filter((result) => result.status === 200);
      const throttled = results.filter((result) => result.status === 429);
      expect(ok).toHaveLength(4);
      expect(throttled).toHaveLength(4);
      for (const result of throttled) {
        expect(result.code).toBe('ApplicationThrottled');
        expect(result.message).toBe('Application is over its MailboxConcurrency limit.');
        expect(Number(result.retryAfter)).toBeGreaterThan(0);
      }
    });

    it('counts each mailbox separately', async () => {
      await overlap();
      const readerClient = plainGraphClient(env, secretCredential(env, reader), { maxRetries: 0 });
      await readerClient.api(`/users/${otherMailbox}/mailFolders/inbox/messages`).get();
      const results = await Promise.all([
        ...Array.from({ length: 4 }, () => outcome(readerClient.api(inboxList).get())),
        ...Array.from({ length: 4 }, () => outcome(readerClient.api(`/users/${otherMailbox}/mailFolders/inbox/messages`).get())),
      ]);
      expect(results.map((result) => result.status)).toEqual(Array.from({ length: 8 }, () => 200));
    });

    it('counts each app separately on the same mailbox', async () => {
      await overlap();
      const readerClient = plainGraphClient(env, secretCredential(env, reader), { maxRetries: 0 });
      await readerClient.api(inboxList).get();
      const results = await Promise.all([
        ...Array.from({ length: 4 }, () => outcome(readerClient.api(inboxList).get())),
        ...Array.from({ length: 4 }, () => outcome(noRetries.api(inboxList).get())),
      ]);
      expect(results.map((result) => result.status)).toEqual(Array.from({ length: 8 }, () => 200));
    });

    it('lets the SDK retry handler recover from ApplicationThrottled by honouring Retry-After', async () => {
      await overlap();
      const results = await Promise.all(Array.from({ length: 8 }, () => outcome(withRetries.api(inboxList).get())));
      expect(results.map((result) => result.status)).toEqual(Array.from({ length: 8 }, () => 200));
      const log = (await env.control.requests()).value.filter((entry) => entry.path.startsWith(`/v1.0${inboxList}`));
      expect(log.filter((entry) => entry.status === 429)).toHaveLength(4);
      expect(log.filter((entry) => entry.status === 200)).toHaveLength(8);
    });
  });

  describe('30 messages a minute per mailbox', () => {
    const send = (subject: string) =>
      env.graph.api(`/users/${inbox}/sendMail`).post({ message: { subject, body: { contentType: 'Text', content: subject }, toRecipients: [{ emailAddress: { address: 'jo@trust.example' } }] } });

    it('accepts every sendMail with 202 but bounces the ones over the limit with an Undeliverable NDR', async () => {
      for (let index = 1; index <= 32; index += 1) await send(`Offer ${index}`);
      const requests = (await env.control.requests()).value.filter((entry) => entry.path === `/v1.0/users/${inbox}/sendMail`);
      expect(requests).toHaveLength(32);
      expect(requests.every((entry) => entry.status === 202)).toBe(true);

      const state = await env.control.state<EmulatorState>();
      expect(state.outbound.filter((record) => record.status === 'delivered')).toHaveLength(30);
      expect(state.outbound.filter((record) => record.status === 'bounced').map((record) => record.subject)).toEqual(['Offer 31', 'Offer 32']);

      await vi.waitFor(
        async () => {
          const inboxMessages = (await env.control.state<EmulatorState>()).mailboxes.find((mailbox) => mailbox.address === inbox)?.folders.inbox ?? [];
          expect(inboxMessages.map((message) => message.subject).sort()).toEqual(['Undeliverable: Offer 31', 'Undeliverable: Offer 32']);
        },
        { timeout: 3_000, interval: 20 },
      );
      const ndr = (await env.control.state<EmulatorState>()).mailboxes.find((mailbox) => mailbox.address === inbox)?.folders.inbox?.[0];
      expect(ndr?.internetMessageHeaders.map((header) => header.name)).toEqual(expect.arrayContaining(['Auto-Submitted', 'X-MS-Exchange-Message-Is-Ndr']));
      expect(ndr?.body.content).toContain('jo@trust.example');
    });

    it('counts replies towards the same limit, and sends again once the minute has passed', async () => {
      for (let index = 1; index <= 30; index += 1) await send(`Filler ${index}`);
      const { id } = await env.control.deliver({ from: { address: 'jo@trust.example' }, subject: 'Question', body: 'Question' });
      await env.graph.api(`/users/${inbox}/messages/${id}/reply`).post({ comment: 'Answer' });
      let state = await env.control.state<EmulatorState>();
      expect(state.outbound.at(-1)).toMatchObject({ subject: 'RE: Question', status: 'bounced' });

      await env.control.call('POST', '/_emulator/clock', { advanceMs: 61_000 });
      try {
        await send('After a minute');
        state = await env.control.state<EmulatorState>();
        expect(state.outbound.at(-1)).toMatchObject({ subject: 'After a minute', status: 'delivered' });
      } finally {
        await env.control.call('POST', '/_emulator/clock', { set: new Date().toISOString() });
      }
    });
  });
});
