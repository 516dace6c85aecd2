import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runChaos } from '../../chaos/campaign.js';
import { startStack } from '../support/stack.js';
import type { Stack } from '../support/stack.js';

/**
 * A short, fixed-seed chaos run (`npm run chaos` is the long campaign): random write faults before
 * and after Graph applied them, 429s, hangs, a worker crash and lost notifications, then every
 * invariant: one application, folder and list item per organisation, one reply per request,
 * nothing to unrelated senders, an outcome for every email.
 */
describe('chaos, seed 7', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ directory: 'sample', leaseMs: 2000, retryDelayMs: 500 });
  }, 180_000);
  afterAll(async () => stack?.stop());

  it('converges with no duplicate and no loss under 15 % write faults, a crash and lost notifications', async () => {
    const report = await runChaos(stack, { seed: 7, emails: 15, writeFaultRate: 0.15, crash: true, lostNotificationRate: 0.1, convergeTimeoutMs: 240_000 });
    expect(report.problems).toEqual([]);
    expect([report.duplicates, report.losses]).toEqual([0, 0]);
    // The run must actually have been hostile.
    expect(report.faults['503 after applied'] + report.faults['503 before applied'] + report.faults['429 Retry-After'] + report.faults['hang after applied']).toBeGreaterThan(0);
    expect(report.crashes).toBe(1);
  }, 400_000);
});
