import type { Client } from '@microsoft/microsoft-graph-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { EmulatorState } from '../../dev/emulator-client.js';
import { createGraphClient } from '../../src/graph/graph-client.js';
import { inbox, startTestEmulator } from '../support/emulator.js';
import type { TestEmulator } from '../support/emulator.js';
import { graphError, plainGraphClient, weqsCredential } from './support/clients.js';

/**
 * Fault injection on mail paths (`POST /_emulator/faults`) seen through the real SDK: its retry
 * handler retries 429/503/504 and honours Retry-After (facts file §10.3, §11).
 */
describe('fault injection on mail requests', () => {
  let env: TestEmulator;
  let noRetries: Client;
  let messageId: string;
  const messagePath = () => `/users/${inbox}/messages/${messageId}`;
  const log = async (path: string) => (await env.control.requests()).value.filter((entry) => entry.path.startsWith(`/v1.0${path}`));

  beforeAll(async () => {
    env = await startTestEmulator();
    noRetries = plainGraphClient(env, await weqsCredential(env), { maxRetries: 0 });
  });
  afterAll(async () => env.stop());
  beforeEach(async () => {
    await env.control.call('POST', '/_emulator/reset');
    messageId = (await env.control.deliver({ from: { address: 'jo@trust.example' }, subject: 'Faulty', body: 'x' })).id;
  });

  it('429 with Retry-After: the SDK waits the given seconds and succeeds after N faults', async () => {
    await env.control.addFaults({ method: 'GET', path: '/v1.0/users/*/messages/*', status: 429, retryAfterSeconds: 0.3, times: 2 });
    const started = Date.now();
    const message = (await env.graph.api(messagePath()).select('subject').get()) as { subject: string };
    const elapsed = Date.now() - started;
    expect(message.subject).toBe('Faulty');
    // The client's own base delay is 0.05 s: only Retry-After explains 2 × 0.3 s.
    expect(elapsed).toBeGreaterThanOrEqual(600);
    expect((await log(messagePath())).map((entry) => entry.status)).toEqual([429, 429, 200]);
  });

  it('429 without retries surfaces TooManyRequests with the Retry-After header', async () => {
    await env.control.addFaults({ method: 'GET', path: '/v1.0/users/*/messages/*', status: 429, retryAfterSeconds: 7, times: 1 });
    const error = await graphError(noRetries.api(messagePath()).get());
    expect([error.statusCode, error.code]).toEqual([429, 'TooManyRequests']);
    expect(error.headers?.get('retry-after')).toBe('7');
  });

  it('gives up with the last 429 when there are more faults than retries', async () => {
    await env.control.addFaults({ method: 'GET', path: '/v1.0/users/*/messages/*', status: 429, retryAfterSeconds: 0, times: 10 });
    const error = await graphError(env.graph.api(messagePath()).get());
    expect(error.statusCode).toBe(429);
    expect(await log(messagePath())).toHaveLength(4);
  });

  it.each([
    [503, 'serviceNotAvailable'],
    [504, 'GatewayTimeout'],
  ])('%i: surfaces %s without retries and is retried away by the SDK otherwise', async (status, code) => {
    await env.control.addFaults({ method: 'GET', path: '/v1.0/users/*/messages/*', status, times: 1 });
    const error = await graphError(noRetries.api(messagePath()).get());
    expect([error.statusCode, error.code]).toEqual([status, code]);
    await env.control.addFaults({ method: 'GET', path: '/v1.0/users/*/messages/*', status, times: 1 });
    const message = (await env.graph.api(messagePath()).select('subject').get()) as { subject: string };
    expect(message.subject).toBe('Faulty');
  });

  it('503 may carry Retry-After too', async () => {
    await env.control.addFaults({ method: 'GET', path: '/v1.0/users/*/messages/*', status: 503, retryAfterSeconds: 2, times: 1 });
    const error = await graphError(noRetries.api(messagePath()).get());
    expect(error.headers?.get('retry-after')).toBe('2');
  });

  it('does not touch other methods or paths', async () => {
    await env.control.addFaults({ method: 'PATCH', path: '/v1.0/users/*/messages/*', status: 503 });
    expect(((await noRetries.api(messagePath()).select('subject').get()) as { subject: string }).subject).toBe('Faulty');
    expect((await graphError(noRetries.api(messagePath()).patch({ isRead: true }))).statusCode).toBe(503);
  });

  it('hang: the request is never answered and the client times out', async () => {
    await env.control.addFaults({ method: 'GET', path: '/v1.0/users/*/messages/*', hang: true, hangMs: 1_000, times: 1 });
    const impatient = createGraphClient({ credential: await weqsCredential(env), baseUrl: env.emulator.url, timeoutMs: 250, mailbox: inbox, mailboxConcurrency: 4, maxRetries: 0 });
    const started = Date.now();
    const failure = await impatient.api(messagePath()).get().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeDefined();
    expect(String((failure as Error).name) + String((failure as Error).message)).toMatch(/timeout|abort/i);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(((await impatient.api(messagePath()).select('subject').get()) as { subject: string }).subject).toBe('Faulty');
  });

  it('afterApply: the update happened although the client saw a 503', async () => {
    await env.control.addFaults({ method: 'PATCH', path: '/v1.0/users/*/messages/*', status: 503, afterApply: true, times: 1 });
    const error = await graphError(noRetries.api(messagePath()).patch({ isRead: true, categories: ['WEX-Processed'] }));
    expect(error.statusCode).toBe(503);
    const message = (await noRetries.api(messagePath()).select(['isRead', 'categories']).get()) as { isRead: boolean; categories: string[] };
    expect(message).toMatchObject({ isRead: true, categories: ['WEX-Processed'] });
  });

  it('afterApply on sendMail: the SDK retry sends the message twice', async () => {
    await env.control.addFaults({ method: 'POST', path: '/v1.0/users/*/sendMail', status: 504, afterApply: true, times: 1 });
    await env.graph.api(`/users/${inbox}/sendMail`).post({ message: { subject: 'Sent twice', body: { contentType: 'Text', content: 'x' }, toRecipients: [{ emailAddress: { address: 'jo@trust.example' } }] } });
    const outbound = (await env.control.state<EmulatorState>()).outbound.filter((record) => record.subject === 'Sent twice');
    expect(outbound).toHaveLength(2);
  });

  it('probability with a seed gives the same sequence of faults every time', async () => {
    const rule = { method: 'GET', path: `/v1.0/users/*/mailFolders/inbox/messages`, status: 503, probability: 0.5, seed: 42 };
    const run = async (): Promise<number[]> => {
      await env.control.clearFaults();
      await env.control.addFaults(rule);
      const statuses: number[] = [];
      for (let index = 0; index < 16; index += 1) {
        statuses.push(await noRetries.api(`/users/${inbox}/mailFolders/inbox/messages`).get().then(() => 200, (error: unknown) => (error as { statusCode: number }).statusCode));
      }
      return statuses;
    };
    const first = await run();
    const second = await run();
    expect(second).toEqual(first);
    expect(first).toContain(200);
    expect(first).toContain(503);
    await env.control.clearFaults();
    await env.control.addFaults({ ...rule, seed: 7 });
    const other: number[] = [];
    for (let index = 0; index < 16; index += 1) {
      other.push(await noRetries.api(`/users/${inbox}/mailFolders/inbox/messages`).get().then(() => 200, (error: unknown) => (error as { statusCode: number }).statusCode));
    }
    expect(other).not.toEqual(first);
  });
});
