import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { done, exponentialBackoff, parseRetryAfter, retry, RetriesExhausted, tryAgain } from '../../../src/resilience/retry.js';

const now = new Date('2026-03-01T12:00:00Z');
// Whole seconds within a few years either side of `now`: what an HTTP-date can express.
const instant = fc.integer({ min: -100_000_000, max: 100_000_000 }).map((seconds) => new Date(now.getTime() + seconds * 1000));

describe('Retry-After', () => {
  it('reads delay-seconds as that many seconds', () => {
    fc.assert(fc.property(fc.nat({ max: 10_000_000 }), (seconds) => parseRetryAfter(String(seconds), now) === seconds * 1000));
  });

  it('reads an IMF-fixdate as the time until that instant, or 0 once it has passed', () => {
    fc.assert(
      fc.property(instant, (at) => parseRetryAfter(at.toUTCString(), now) === Math.max(0, at.getTime() - now.getTime())),
    );
  });

  it('reads the obsolete RFC 850 and asctime forms as GMT, whatever the local zone', () => {
    expect(parseRetryAfter('Sunday, 01-Mar-26 12:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Sun Mar  1 12:01:00 2026', now)).toBe(60_000);
  });

  it('never yields NaN or a negative wait: anything else is "not given"', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const parsed = parseRetryAfter(text, now);
        return parsed === undefined || (Number.isFinite(parsed) && parsed >= 0);
      }),
    );
    for (const text of ['', '  ', '-5', '1.5', 'soon', 'Sunday', 'Sun, 01 Mar 2026 12:00:00', null, undefined]) expect(parseRetryAfter(text, now)).toBeUndefined();
  });
});

describe('retry', () => {
  const policyFor = (attempts: number, waits: number[]) => ({ attempts, backoffMs: (attempt: number) => attempt * 10, sleep: async (ms: number) => void waits.push(ms) });

  it('makes at most the attempts allowed, waiting between them and not after the last', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 0, max: 30 }), async (attempts, failuresFirst) => {
        const waits: number[] = [];
        let calls = 0;
        const run = retry(async (attempt) => {
          calls += 1;
          return attempt > failuresFirst ? done(attempt) : tryAgain(`attempt ${attempt}`);
        }, policyFor(attempts, waits));
        if (failuresFirst < attempts) {
          await expect(run).resolves.toBe(failuresFirst + 1);
          expect(calls).toBe(failuresFirst + 1);
        } else {
          await expect(run).rejects.toEqual(new RetriesExhausted(`attempt ${attempts}`, attempts));
          expect(calls).toBe(attempts);
        }
        expect(waits).toHaveLength(calls - 1);
      }),
    );
  });

  it("waits the server's Retry-After rather than the backoff, capped", async () => {
    const waits: number[] = [];
    let calls = 0;
    await retry(async () => (++calls < 4 ? tryAgain('throttled', [5_000, undefined, 120_000][calls - 1]) : done(undefined)), { ...policyFor(5, waits), maxDelayMs: 30_000 });
    expect(waits).toEqual([5_000, 20, 30_000]);
  });

  it('stops at once on an error the operation throws', async () => {
    let calls = 0;
    await expect(retry(async () => { calls += 1; throw new Error('refused'); }, policyFor(5, []))).rejects.toThrow('refused');
    expect(calls).toBe(1);
  });

  it('gives up before a wait that would end after the deadline, with the caller’s error', async () => {
    let clock = 0;
    const sleepFor = async (ms: number) => void (clock += ms);
    const run = retry(async () => tryAgain('full'), { attempts: 1000, backoffMs: () => 400, giveUpAt: 1000, clock: () => clock, sleep: sleepFor, exhausted: (reason, made) => new Error(`${reason} after ${made}`) });
    await expect(run).rejects.toThrow('full after 3');
    expect(clock).toBe(800);
  });

  it('backs off exponentially up to the cap, and jitters within it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.double({ min: 0, max: 1, noNaN: true }), (attempt, random) => {
        const plain = exponentialBackoff(100, { capMs: 5_000 })(attempt);
        const jittered = exponentialBackoff(100, { capMs: 5_000, random: () => random })(attempt);
        return plain === Math.min(5_000, 100 * 2 ** (attempt - 1)) && jittered >= 0 && jittered <= plain;
      }),
    );
  });
});
