import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import type { Logger } from 'pino';
import { currentInvocationLog } from './invocation-log.js';

export { withInvocationLog } from './invocation-log.js';
export type { InvocationLog } from './invocation-log.js';

export type { Logger };

/**
 * In Azure, lines go through the invocation's `context.log` channel, so the host sends them to
 * Application Insights with the invocation's operation id (stdout capture has known gaps); each
 * line is pino's JSON, already redacted, with weqs's correlation id. Outside an invocation (the
 * CLI, the local host, start-up) lines go to stdout as before.
 * https://learn.microsoft.com/azure/azure-functions/functions-reference-node#logging
 */
const destination = {
  write(line: string): void {
    const sink = currentInvocationLog();
    if (!sink) {
      process.stdout.write(line);
      return;
    }
    const level = Number(/"level":(\d+)/.exec(line)?.[1] ?? 30);
    const text = line.trimEnd();
    if (level >= 50) sink.error(text);
    else if (level >= 40) sink.warn(text);
    else if (level >= 30) sink.info(text);
    else if (level >= 20) sink.debug(text);
    else sink.trace(text);
  },
};

/**
 * Structured logs. Each email and each job runs inside `withCorrelation`, so every line it
 * causes (Graph calls included) carries one correlation id. Email bodies are never logged;
 * secrets in URLs and headers are redacted.
 */
export const rootLogger: Logger = pino({
  level: process.env.WEQS_LOG_LEVEL ?? 'info',
  base: { service: 'weqs' },
  redact: { paths: ['*.authorization', '*.Authorization', '*.clientState', '*.sig', 'webhookUrl'], censor: '[redacted]' },
  timestamp: pino.stdTimeFunctions.isoTime,
  // Readable lines for people running `npm start`; JSON everywhere else.
  ...(process.env.WEQS_LOG_FORMAT === 'pretty' ? { transport: { target: 'pino-pretty', options: { translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname,service' } } } : {}),
}, process.env.WEQS_LOG_FORMAT === 'pretty' ? undefined : destination);

const context = new AsyncLocalStorage<Logger>();

export function logger(): Logger {
  return context.getStore() ?? rootLogger;
}

export function withCorrelation<T>(bindings: { correlationId?: string; [key: string]: unknown }, work: () => Promise<T>): Promise<T> {
  const child = logger().child({ ...bindings, correlationId: bindings.correlationId ?? randomUUID() });
  return context.run(child, work);
}

/** Turns any thrown value into an Error, so catch blocks can rely on `.message`. */
export function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(typeof value === 'string' ? value : JSON.stringify(value));
}
