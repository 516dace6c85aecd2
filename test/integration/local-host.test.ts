import type { HttpRequest, InvocationContext } from '@azure/functions';
import { QueueServiceClient } from '@azure/storage-queue';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAzurite } from '../../dev/storage-emulator.js';
import type { RunningAzurite } from '../../dev/storage-emulator.js';
import { hostJsonSchema } from '../../dev/functions-host/host-json.js';
import { startLocalHost } from '../../dev/functions-host/local-host.js';
import type { RunningLocalHost } from '../../dev/functions-host/local-host.js';
import { nextOccurrence } from '../../dev/functions-host/timer-scheduler.js';
import type { FunctionDefinition } from '../../functions/definitions.js';
import { encodeQueueMessage } from '../../src/storage/queues.js';

const until = async (condition: () => boolean, timeoutMs = 10_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
};

const untilAsync = async (condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
};

describe('the local Functions host', () => {
  let storage: RunningAzurite;
  let host: RunningLocalHost;
  const seen: { queue: string; value: unknown; dequeueCount: unknown }[] = [];
  let timerRuns = 0;

  const definitions: FunctionDefinition[] = [
    {
      name: 'echo',
      trigger: { type: 'http', route: 'echo/{word}', methods: ['POST'], authLevel: 'anonymous' },
      handler: async (request: HttpRequest) => ({ status: 201, jsonBody: { word: request.params.word, body: await request.text(), token: request.query.get('token') } }),
    },
    {
      name: 'alwaysWorks',
      trigger: { type: 'queue', queueName: 'host-test-ok', connection: 'AzureWebJobsStorage' },
      handler: (value: unknown, context: InvocationContext) => {
        seen.push({ queue: 'ok', value, dequeueCount: context.triggerMetadata?.dequeueCount });
      },
    },
    {
      name: 'alwaysFails',
      trigger: { type: 'queue', queueName: 'host-test-fail', connection: 'AzureWebJobsStorage' },
      handler: (value: unknown, context: InvocationContext) => {
        seen.push({ queue: 'fail', value, dequeueCount: context.triggerMetadata?.dequeueCount });
        throw new Error('deliberate failure');
      },
    },
    {
      name: 'everyHour',
      trigger: { type: 'timer', schedule: '0 0 * * * *' },
      handler: () => {
        timerRuns += 1;
      },
    },
  ];

  beforeAll(async () => {
    storage = await startAzurite();
    host = await startLocalHost({
      definitions,
      hostJson: hostJsonSchema.parse({ version: '2.0', extensions: { queues: { maxPollingInterval: '00:00:00.200', visibilityTimeout: '00:00:00', maxDequeueCount: 5 } } }),
      storageConnectionString: storage.connectionString,
      port: 0,
      log: pino({ level: 'silent' }),
      queueLeaseMs: 2000,
    });
  }, 60_000);
  afterAll(async () => {
    await host?.stop();
    await storage?.stop();
  });

  it('serves HTTP functions under /api with route parameters, query and body', async () => {
    const response = await fetch(`${host.url}/api/echo/hello?token=abc`, { method: 'POST', body: 'payload' });
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ word: 'hello', body: 'payload', token: 'abc' });
    expect((await fetch(`${host.url}/api/echo/hello`, { method: 'GET' })).status).toBe(405);
    expect((await fetch(`${host.url}/api/nothing-here`, { method: 'POST' })).status).toBe(404);
  });

  it('decodes base64 JSON queue messages, hands them over once and deletes them', async () => {
    const queue = QueueServiceClient.fromConnectionString(storage.connectionString).getQueueClient('host-test-ok');
    await queue.sendMessage(encodeQueueMessage({ hello: 'world' }));
    await until(() => seen.some((entry) => entry.queue === 'ok'));
    expect(seen.find((entry) => entry.queue === 'ok')).toEqual({ queue: 'ok', value: { hello: 'world' }, dequeueCount: 1 });
    // Deleted, so it can never be handed over again (the count includes invisible, leased messages).
    await untilAsync(async () => (await queue.getProperties()).approximateMessagesCount === 0);
    expect(seen.filter((entry) => entry.queue === 'ok')).toHaveLength(1);
  });

  it('retries a failing message five times, then moves it to the poison queue', async () => {
    const service = QueueServiceClient.fromConnectionString(storage.connectionString);
    await service.getQueueClient('host-test-fail').sendMessage(encodeQueueMessage({ n: 1 }));
    const poison = service.getQueueClient('host-test-fail-poison');
    await until(() => seen.filter((entry) => entry.queue === 'fail').length >= 5, 20_000);
    let poisoned: string[] = [];
    await until(() => {
      void poison.peekMessages({ numberOfMessages: 5 }).then((result) => {
        poisoned = result.peekedMessageItems.map((item) => Buffer.from(item.messageText, 'base64').toString('utf8'));
      });
      return poisoned.length > 0;
    });
    expect(seen.filter((entry) => entry.queue === 'fail').map((entry) => entry.dequeueCount)).toEqual([1, 2, 3, 4, 5]);
    expect(poisoned).toEqual([JSON.stringify({ n: 1 })]);
  });

  it('runs a timer function on demand through the admin endpoint, as the Functions host does', async () => {
    const response = await fetch(`${host.url}/admin/functions/everyHour`, { method: 'POST' });
    expect(response.status).toBe(202);
    expect(timerRuns).toBe(1);
    expect((await fetch(`${host.url}/admin/functions/unknown`, { method: 'POST' })).status).toBe(404);
  });
});

describe('nextOccurrence', () => {
  it('reads six-field NCRONTAB schedules in UTC', () => {
    expect(nextOccurrence('0 7 */6 * * *', new Date('2026-01-01T05:00:00Z')).toISOString()).toBe('2026-01-01T06:07:00.000Z');
    expect(nextOccurrence('30 0 9 * * 1', new Date('2026-11-25T12:00:00Z')).toISOString()).toBe('2026-11-30T09:00:30.000Z');
  });

  it('rejects five-field cron expressions, which the Functions runtime does not accept', () => {
    expect(() => nextOccurrence('0 9 * * *', new Date())).toThrow(/six NCRONTAB fields/);
  });
});
