import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import type { Logger } from 'pino';

export type { Logger };

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
});

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

/** Removes the query string (where webhook signatures live) before a URL is logged. */
export function redactUrl(url: string): string {
  return url.split('?')[0] ?? url;
}
