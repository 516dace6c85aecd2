import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAzurite } from '../../dev/storage-emulator.js';
import type { RunningAzurite } from '../../dev/storage-emulator.js';
import { SendRateLimiter } from '../../src/storage/send-rate-limiter.js';
import { Tables } from '../../src/storage/tables.js';

describe('SendRateLimiter (Azure Tables on Azurite)', () => {
  let storage: RunningAzurite;
  beforeAll(async () => {
    storage = await startAzurite();
  }, 60_000);
  afterAll(async () => storage?.stop());

  it('never lets more than the cap into any 60-second window, across several instances sending at once', async () => {
    const cap = 25;
    let now = Date.parse('2026-11-25T09:00:00Z');
    const clock = (): number => now;
    const noWait = async (): Promise<void> => undefined;
    // Four instances, each with its own client, sharing the table.
    const instances = Array.from({ length: 4 }, () => new SendRateLimiter(new Tables({ connectionString: storage.connectionString }), 'inbox@example.org', cap, clock, noWait));
    const slots = (await Promise.all(instances.flatMap((limiter) => Array.from({ length: 20 }, () => limiter.acquire())))).sort((a, b) => a - b);
    expect(new Set(slots).size).toBe(80);
    for (const slot of slots) expect(slots.filter((other) => other >= slot && other < slot + 60_000).length).toBeLessThanOrEqual(cap);
    // A full queue uses the whole allowance: 80 sends take 80 slots of 2.4 s.
    expect(slots.at(-1)! - slots[0]!).toBe(79 * (60_000 / cap));
    now += 10 * 60_000;
    expect(await instances[0]!.acquire()).toBe(now);
  });

  it('keeps separate schedules for separate mailboxes', async () => {
    const now = Date.parse('2026-11-25T10:00:00Z');
    const make = (mailbox: string): SendRateLimiter => new SendRateLimiter(new Tables({ connectionString: storage.connectionString }), mailbox, 30, () => now, async () => undefined);
    expect(await make('a@example.org').acquire()).toBe(now);
    expect(await make('b@example.org').acquire()).toBe(now);
    expect(await make('a@example.org').acquire()).toBe(now + 2000);
  });
});
