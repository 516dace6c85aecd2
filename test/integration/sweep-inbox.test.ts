import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { defaultSweepGraceSeconds } from '../../src/config.js';
import { GraphMailbox } from '../../src/graph/mailbox.js';
import { InboundLedger } from '../../src/storage/inbound-ledger.js';
import type { InboundMessageReference } from '../../src/workflows/receive-notifications.js';
import { sweepInbox } from '../../src/workflows/sweep-inbox.js';
import type { SweepDependencies } from '../../src/workflows/sweep-inbox.js';
import { inbox, startTestEmulator } from '../support/emulator.js';
import type { TestEmulator } from '../support/emulator.js';

/**
 * The sweep through the real SDK against the emulator, with the production grace period. Time
 * moves by giving the sweep a later `now` (its clock is a parameter), never by shortening the grace.
 */
describe('sweepInbox (through Graph against the emulator, real grace period)', () => {
  let env: TestEmulator;
  const graceMs = defaultSweepGraceSeconds * 1000;
  let state: Map<string, string>;
  let queued: InboundMessageReference[];
  let handled: Set<string>;

  const sweepAt = (now: Date) => {
    const deps: SweepDependencies = {
      mailbox: new GraphMailbox(env.graph, inbox),
      ledger: { keyFor: InboundLedger.keyFor, get: async (key: string) => (handled.has(key) ? ({ key } as unknown as Awaited<ReturnType<InboundLedger['get']>>) : undefined) },
      state: { get: async (name) => state.get(name), set: async (name, value) => void state.set(name, value) },
      enqueue: async (reference) => void queued.push(reference),
      now: () => now,
      graceMs,
    };
    return sweepInbox(deps);
  };
  const emulatorNow = async (): Promise<Date> => new Date((await env.control.state()).now);
  const later = (instant: Date, ms: number): Date => new Date(instant.getTime() + ms);
  const deliver = (subject: string) => env.control.deliver({ from: { address: 'jo@trust.example' }, subject });

  beforeAll(async () => {
    env = await startTestEmulator();
  });
  afterAll(async () => env.stop());
  beforeEach(async () => {
    await env.control.call('POST', '/_emulator/reset');
    state = new Map();
    queued = [];
    handled = new Set();
    // weqs's first sweep sets its watermark on an empty inbox, as after a deployment.
    await sweepAt(later(await emulatorNow(), -10 * 60_000));
  });

  it('uses a grace period of a minute by default', () => {
    expect(graceMs).toBe(60_000);
  });

  it('comes back for a message it left to the webhook when that notification never arrives', async () => {
    const young = await deliver('Work Experience Quality Standard – Young');
    const first = await sweepAt(await emulatorNow());
    expect(first).toMatchObject({ queued: 0, deferred: 1 });
    // No notification arrives; the next sweep, past the grace period, must still see the message.
    const second = await sweepAt(later(await emulatorNow(), graceMs + 1000));
    expect(second.queued).toBe(1);
    expect(queued.map((reference) => reference.messageId)).toEqual([young.id]);
  });

  it('queues old enough messages at once while it waits for a young one, and moves on once nothing is left waiting', async () => {
    // Graph's clock a little more than the grace period back, for one arrival.
    await env.control.call('POST', '/_emulator/clock', { advanceMs: -(graceMs + 10_000) });
    const old = await deliver('Old enough');
    await env.control.call('POST', '/_emulator/clock', { advanceMs: graceMs + 10_000 });
    const young = await deliver('Young');
    const first = await sweepAt(await emulatorNow());
    expect(first).toMatchObject({ queued: 1, deferred: 1 });
    expect(queued.map((reference) => reference.messageId)).toEqual([old.id]);
    handled.add(InboundLedger.keyFor(old.internetMessageId));
    const second = await sweepAt(later(await emulatorNow(), graceMs + 1000));
    expect(second).toMatchObject({ queued: 1, deferred: 0 });
    expect(queued.map((reference) => reference.messageId)).toEqual([old.id, young.id]);
    // With nothing left waiting the delta link moved on: a third sweep sees no message at all.
    const third = await sweepAt(later(await emulatorNow(), 2 * graceMs));
    expect(third).toMatchObject({ seen: 0, queued: 0, deferred: 0 });
  });

  it('after a delta reset, still comes back for a young message', async () => {
    const young = await deliver('Young during a reset');
    await env.control.call('POST', `/_emulator/mailboxes/${inbox}/sync-state`, { mode: 'expired' });
    const first = await sweepAt(await emulatorNow());
    expect(first).toMatchObject({ restarted: true, deferred: 1, queued: 0 });
    const second = await sweepAt(later(await emulatorNow(), graceMs + 1000));
    expect(queued.map((reference) => reference.messageId)).toEqual([young.id]);
    expect(second.queued).toBe(1);
  });
});
