import { setTimeout as delay } from 'node:timers/promises';

/** Waits `ms` milliseconds: the one timer every retry and poll in weqs goes through. */
export const sleep = (ms: number): Promise<void> => delay(Math.max(0, ms));

/** Neither a Retry-After nor a backoff may park a worker longer than this. */
const defaultMaxDelayMs = 30_000;

const asctimeDate = /^[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/;

/**
 * A `Retry-After` header as milliseconds to wait: either delay-seconds (`120`) or an HTTP-date
 * (`Wed, 21 Oct 2015 07:28:00 GMT`), RFC 9110 §10.2.3. A date already past means "now" (0);
 * anything else (empty, negative, fractional, garbage) is undefined, so the caller's own backoff
 * applies instead of NaN.
 * https://www.rfc-editor.org/rfc/rfc9110#field.retry-after
 */
export function parseRetryAfter(value: string | null | undefined, now: Date): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) {
    const seconds = Number(text);
    return Number.isSafeInteger(seconds) ? seconds * 1000 : undefined;
  }
  // asctime() dates carry no zone but are GMT by definition; Date.parse would read them as local time.
  const dated = asctimeDate.test(text) ? `${text} GMT` : text;
  // Only a date that names its month and zone, as HTTP-dates do: Date.parse alone accepts "1" or "2024".
  if (!/[a-z]{3}/i.test(dated) || !/\bGMT$/i.test(dated)) return undefined;
  const at = Date.parse(dated);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now.getTime());
}

/** What one attempt came to: a value, or a reason to try again (with the server's Retry-After, when it gave one). */
export type AttemptOutcome<T> = { done: true; value: T } | { done: false; reason: string; retryAfterMs?: number | undefined };

export const done = <T>(value: T): AttemptOutcome<T> => ({ done: true, value });
export const tryAgain = (reason: string, retryAfterMs?: number): AttemptOutcome<never> => ({ done: false, reason, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) });

/** Every attempt asked to try again: the last reason, and how many attempts were made. */
export class RetriesExhausted extends Error {
  constructor(
    readonly lastReason: string,
    readonly attempts: number,
  ) {
    super(`Gave up after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${lastReason}`);
  }
}

export interface RetryPolicy {
  /** The most attempts in all (at least 1). */
  attempts: number;
  /** The wait after attempt `n` (1-based) when the server said nothing. */
  backoffMs: (attempt: number) => number;
  /** The longest single wait, Retry-After included (default 30 s). */
  maxDelayMs?: number;
  /** Gives up before a wait that would end after this instant (ms on `clock`). */
  giveUpAt?: number;
  clock?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** The error thrown when attempts or time run out (default RetriesExhausted). */
  exhausted?: (lastReason: string, attempts: number) => Error;
}

/**
 * Runs `operation` until it is done, at most `policy.attempts` times. An attempt that throws stops
 * at once (the error is not retryable, or the caller would have returned `tryAgain`). Between
 * attempts it waits the server's Retry-After when given, otherwise the backoff, capped either way.
 */
export async function retry<T>(operation: (attempt: number) => Promise<AttemptOutcome<T>>, policy: RetryPolicy): Promise<T> {
  const attempts = Math.max(1, Math.floor(policy.attempts));
  const maxDelayMs = policy.maxDelayMs ?? defaultMaxDelayMs;
  const clock = policy.clock ?? Date.now;
  const wait = policy.sleep ?? sleep;
  const giveUp = (reason: string, made: number): Error => policy.exhausted?.(reason, made) ?? new RetriesExhausted(reason, made);
  for (let attempt = 1; ; attempt += 1) {
    const outcome = await operation(attempt);
    if (outcome.done) return outcome.value;
    if (attempt >= attempts) throw giveUp(outcome.reason, attempt);
    const waitMs = Math.min(maxDelayMs, Math.max(0, outcome.retryAfterMs ?? policy.backoffMs(attempt)));
    if (policy.giveUpAt !== undefined && clock() + waitMs > policy.giveUpAt) throw giveUp(outcome.reason, attempt);
    await wait(waitMs);
  }
}

/** Exponential backoff from `baseMs`, doubling per attempt, with full jitter when `random` is given. */
export function exponentialBackoff(baseMs: number, options: { capMs?: number; random?: () => number } = {}): (attempt: number) => number {
  return (attempt) => {
    const ceiling = Math.min(options.capMs ?? defaultMaxDelayMs, baseMs * 2 ** Math.min(attempt - 1, 20));
    return options.random ? Math.round(options.random() * ceiling) : ceiling;
  };
}
