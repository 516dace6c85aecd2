import { InvocationContext } from '@azure/functions';
import { afterEach, describe, expect, it } from 'vitest';
import { logThroughInvocation } from '../../../functions/index.js';
import { logger, rootLogger, withCorrelation } from '../../../src/logging.js';

describe('logs in Azure go through the invocation context (to Application Insights)', () => {
  const level = rootLogger.level;
  afterEach(() => {
    rootLogger.level = level;
  });

  it("sends each pino line, redacted and with the correlation id, to context.log at the line's level", async () => {
    rootLogger.level = 'info';
    const received: { level: string; text: string }[] = [];
    const context = new InvocationContext({ invocationId: 'inv-1', functionName: 'processInboundMessage', logHandler: (logLevel, ...args) => received.push({ level: logLevel, text: String(args[0]) }) });
    const handler = logThroughInvocation(async (_trigger: unknown) =>
      withCorrelation({ correlationId: 'corr-7' }, async () => {
        logger().info({ webhookUrl: 'https://example.org/hook?sig=secret' }, 'posted a card');
        logger().error({ reference: 'WEQS-1' }, 'giving up on an email after repeated failures');
        return 'done';
      }),
    );
    expect(await handler({}, context)).toBe('done');
    expect(received.map((entry) => entry.level)).toEqual(['information', 'error']);
    const first = JSON.parse(received[0]?.text ?? '{}') as Record<string, unknown>;
    expect(first).toMatchObject({ msg: 'posted a card', correlationId: 'corr-7', webhookUrl: '[redacted]', service: 'weqs' });
    expect(received[0]?.text).not.toContain('secret');
  });

  it('names what could not be reached and what to do when an invocation fails on a service, and still fails', async () => {
    const received: { level: string; text: string }[] = [];
    const context = new InvocationContext({ invocationId: 'inv-2', functionName: 'processInboundMessage', logHandler: (logLevel, ...args) => received.push({ level: logLevel, text: String(args[0]) }) });
    // What @azure/storage-queue throws when nothing listens at the account's address.
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:10001'), { name: 'RestError', code: 'ECONNREFUSED' });
    const handler = logThroughInvocation(async (_trigger: unknown) => {
      throw refused;
    });
    await expect(handler({}, context)).rejects.toBe(refused);
    expect(received).toEqual([{ level: 'error', text: expect.stringMatching(/^processInboundMessage could not complete: Azure Storage at .* — nothing is listening there \(connection refused\)\.\nWhat to do: /) }]);
  });

  it("adds nothing to a failure of weqs's own", async () => {
    const received: string[] = [];
    const context = new InvocationContext({ invocationId: 'inv-3', functionName: 'processInboundMessage', logHandler: (_level, ...args) => received.push(String(args[0])) });
    const own = new Error('an invariant broke');
    await expect(logThroughInvocation(async () => Promise.reject(own))({}, context)).rejects.toBe(own);
    expect(received).toEqual([]);
  });
});
