import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chaosStackOptions, runChaos } from '../../chaos/campaign.js';
import { startStack } from '../support/stack.js';
import type { Stack } from '../support/stack.js';

/**
 * A short, fixed-seed chaos run (`npm run chaos` is the long campaign): random Graph write faults
 * before and after Graph applied them, 429s, hangs, storage faults before and after the write,
 * Teams webhook faults, a worker crash, lost and repeated notifications, then the review jobs under
 * the same faults; then every invariant: one application, folder and list item per organisation,
 * one reply per request, nothing to unrelated senders, an outcome for every email, every review
 * email once, one email per intent and none without its outcome recorded.
 */
describe('chaos, seed 7', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack(chaosStackOptions);
  }, 180_000);
  afterAll(async () => stack?.stop());

  it('converges with no duplicate and no loss under Graph, storage and webhook faults, a crash and lost and repeated notifications', async () => {
    const report = await runChaos(stack, {
      seed: 7,
      emails: 15,
      writeFaultRate: 0.15,
      storageFaultRate: 0.05,
      webhookFaultRate: 0.15,
      crash: true,
      lostNotificationRate: 0.1,
      duplicateNotificationRate: 0.2,
      reviewJobs: true,
      convergeTimeoutMs: 120_000,
    });
    expect(report.problems).toEqual([]);
    expect([report.duplicates, report.losses]).toEqual([0, 0]);
    // The run must actually have been hostile, to Graph and to storage alike.
    expect(report.faults['503 after applied'] + report.faults['503 before applied'] + report.faults['429 Retry-After'] + report.faults['hang after applied']).toBeGreaterThan(0);
    expect(report.faults['500 after write'] + report.faults['reset after write']).toBeGreaterThan(0);
    expect(report.crashes).toBe(1);
    expect(report.review?.sentEmails).toBe(report.review?.expectedEmails);
  }, 400_000);
});
