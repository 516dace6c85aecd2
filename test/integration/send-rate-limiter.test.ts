import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAzurite } from '../../dev/storage-emulator.js';
import type { RunningAzurite } from '../../dev/storage-emulator.js';
import { SendRateBusy, SendRateLimiter } from '../../src/storage/send-rate-limiter.js';
import type { SendRateOptions } from '../../src/storage/send-rate-limiter.js';
import { Tables } from '../../src/storage/tables.js';

/**
 * Virtual time for actors that also do real I/O (Azurite): time moves to the next timer only
 * when every actor is asleep, so a minute of sends runs in well under a second of real time.
 */
class VirtualTime {
  now = Date.parse('2026-11-25T09:00:00Z');
  private timers: { at: number; resolve: () => void }[] = [];
  private awake = 0;

  clock = (): number => this.now;

  sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      this.timers.push({ at: this.now + Math.max(0, ms), resolve });
      this.awake -= 1;
      this.advanceWhenIdle();
    });

  /** Runs one actor to completion under virtual time. */
  async actor<T>(work: () => Promise<T>): Promise<T> {
    this.awake += 1;
    try {
      return await work();
    } finally {
      this.awake -= 1;
      this.advanceWhenIdle();
    }
  }

  private advanceWhenIdle(): void {
    // Storage answers arrive as macrotasks, so wait one before deciding that everyone sleeps.
    setImmediate(() => {
      if (this.awake > 0 || this.timers.length === 0) return;
      this.timers.sort((a, b) => a.at - b.at);
      const next = this.timers.shift() as { at: number; resolve: () => void };
      this.now = Math.max(this.now, next.at);
      this.awake += 1;
      next.resolve();
    });
  }
}

/** A deterministic pseudo-random sequence (mulberry32). */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const maxInAnyWindow = (times: readonly number[], windowMs = 60_000): number => Math.max(0, ...times.map((start) => times.filter((time) => time >= start && time < start + windowMs).length));

describe('SendRateLimiter (Azure Tables on Azurite)', () => {
  let storage: RunningAzurite;
  beforeAll(async () => {
    storage = await startAzurite();
  }, 60_000);
  afterAll(async () => storage?.stop());

  const limiter = (mailbox: string, cap: number, options: SendRateOptions): SendRateLimiter => new SendRateLimiter(new Tables({ connectionString: storage.connectionString }), mailbox, cap, options);

  it("keeps Exchange's count within the cap in every 60 s window when sends wait for the mailbox after their turn", async () => {
    const cap = 25;
    const time = new VirtualTime();
    const random = seeded(7);
    const options = { clock: time.clock, sleep: time.sleep, random, clockSkewMs: 0 };
    // Four instances, each with its own client, sharing the table; 60 replies queued at once.
    const instances = Array.from({ length: 4 }, () => limiter('bunching@example.org', cap, options));
    const accepted: number[] = [];
    await Promise.all(
      Array.from({ length: 60 }, (_, index) =>
        time.actor(async () => {
          const permit = await instances[index % 4]!.acquire();
          // Waiting for one of the mailbox's four concurrent requests, then Graph's answer: up to 20 s.
          await time.sleep(Math.round(random() * 20_000));
          accepted.push(time.now);
          await time.sleep(300);
          await permit.release();
        }),
      ),
    );
    expect(accepted).toHaveLength(60);
    expect(maxInAnyWindow(accepted)).toBeLessThanOrEqual(cap);
  }, 120_000);

  it('lets a first contact through while normal sends leave room for it', async () => {
    const time = new VirtualTime();
    const options = { clock: time.clock, sleep: time.sleep, random: seeded(1), clockSkewMs: 0 };
    const rate = limiter('priority@example.org', 10, options);
    const permits = await Promise.all(Array.from({ length: 9 }, () => time.actor(() => rate.acquire('normal'))));
    // The tenth place is kept for a reply to someone writing for the first time.
    await expect(time.actor(() => limiter('priority@example.org', 10, { ...options, maxWaitMs: 1000 }).acquire('normal'))).rejects.toBeInstanceOf(SendRateBusy);
    const first = await time.actor(() => rate.acquire('first-contact'));
    await time.actor(async () => {
      for (const permit of [...permits, first]) await permit.release();
    });
  }, 60_000);

  it('gives up with SendRateBusy instead of waiting without end', async () => {
    const time = new VirtualTime();
    const rate = limiter('busy@example.org', 2, { clock: time.clock, sleep: time.sleep, random: seeded(2), maxWaitMs: 30_000 });
    await time.actor(async () => {
      await (await rate.acquire()).release();
      await (await rate.acquire()).release();
    });
    await expect(time.actor(() => rate.acquire())).rejects.toBeInstanceOf(SendRateBusy);
    // A minute later the window has room again.
    time.now += 62_000;
    await time.actor(async () => (await rate.acquire()).release());
  }, 60_000);

  it('counts a permit never released (a crashed sender) until its lease lapses', async () => {
    const time = new VirtualTime();
    const rate = limiter('crash@example.org', 1, { clock: time.clock, sleep: time.sleep, random: seeded(3), permitLeaseMs: 120_000, clockSkewMs: 0 });
    await time.actor(() => rate.acquire());
    const started = time.now;
    await time.actor(async () => (await rate.acquire()).release());
    expect(time.now - started).toBeGreaterThanOrEqual(180_000);
  }, 60_000);

  it('keeps separate windows for separate mailboxes', async () => {
    const time = new VirtualTime();
    const options = { clock: time.clock, sleep: time.sleep, maxWaitMs: 0 };
    await time.actor(async () => {
      await limiter('a@example.org', 1, options).acquire();
      await limiter('b@example.org', 1, options).acquire();
    });
    await expect(time.actor(() => limiter('a@example.org', 1, options).acquire())).rejects.toBeInstanceOf(SendRateBusy);
  }, 60_000);
});
