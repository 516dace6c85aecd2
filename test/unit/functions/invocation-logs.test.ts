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
});
