import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TeamsWorkflowNotifier } from '../../../src/teams/teams-notifier.js';

// A webhook on loopback that answers from a script, one answer per request.
const answers: { status: number; headers?: Record<string, string> }[] = [];
let requests = 0;
const server = createServer((request, response) => {
  requests += 1;
  request.resume();
  const answer = answers.shift() ?? { status: 202 };
  response.writeHead(answer.status, answer.headers).end();
});
let url = '';

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/workflows/hook`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('the Teams webhook notifier', () => {
  it('waits the Retry-After of a 429, in seconds or as an HTTP-date, then posts the card', async () => {
    requests = 0;
    const waits: number[] = [];
    answers.push({ status: 429, headers: { 'Retry-After': '7' } }, { status: 503, headers: { 'Retry-After': new Date(Date.now() + 20_000).toUTCString() } }, { status: 202 });
    const notifier = new TeamsWorkflowNotifier(url, { sleep: async (ms) => void waits.push(ms) });

    await notifier.post({ type: 'message' });

    expect(requests).toBe(3);
    expect(waits[0]).toBe(7000);
    // An HTTP-date has whole seconds: the wait is the time until it, never NaN.
    expect(waits[1]).toBeGreaterThan(10_000);
    expect(waits[1]).toBeLessThanOrEqual(20_000);
  });

  it('gives up after the attempts allowed, and at once on a refusal', async () => {
    requests = 0;
    answers.push({ status: 500 }, { status: 500 }, { status: 500 });
    await expect(new TeamsWorkflowNotifier(url, { sleep: async () => undefined }).post({})).rejects.toThrow('status 500');
    expect(requests).toBe(3);

    requests = 0;
    answers.push({ status: 400 });
    await expect(new TeamsWorkflowNotifier(url, { sleep: async () => undefined }).post({})).rejects.toThrow('status 400');
    expect(requests).toBe(1);
  });
});
