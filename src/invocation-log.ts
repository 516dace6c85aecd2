import { AsyncLocalStorage } from 'node:async_hooks';

/** The Functions invocation's logging methods (`InvocationContext` of @azure/functions has them all). */
export interface InvocationLog {
  trace(...args: unknown[]): void;
  debug(...args: unknown[]): void;
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}

// Apart from src/logging.ts, so the function app's entry point can route an invocation's lines
// without loading pino at start-up (cold start, docs/performance.md).
const invocationLog = new AsyncLocalStorage<InvocationLog>();

/** Runs one Functions invocation with its log lines routed to the invocation's log channel. */
export function withInvocationLog<T>(log: InvocationLog, work: () => Promise<T>): Promise<T> {
  return invocationLog.run(log, work);
}

/** The log channel of the invocation this code runs in, if any. */
export function currentInvocationLog(): InvocationLog | undefined {
  return invocationLog.getStore();
}
