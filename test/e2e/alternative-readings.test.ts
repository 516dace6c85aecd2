import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmulatorState } from '../../dev/emulator-client.js';
import { alternativeReadings, tenantSeedSchema } from '../../emulator/tenant.js';
import { loadConfig } from '../../src/config.js';
import { ukStartOfDay } from '../../src/domain/uk-dates.js';
import { createRuntime } from '../../src/runtime.js';
import type { Runtime } from '../../src/runtime.js';
import { runReviewJob } from '../../src/workflows/review/review-jobs.js';
import { applicationRows, cardsTitled, evidenceRoot, inboxMessage, mailTo, outcomeOf } from '../support/pipeline.js';
import { startStack } from '../support/stack.js';
import type { Stack } from '../support/stack.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const noonUk = (date: string): Date => new Date(ukStartOfDay(date).getTime() + 12 * 3600 * 1000);

/** The other reading of every uncertain behaviour, whatever WEQS_EMULATOR_READINGS says for the other suites. */
const readings = alternativeReadings(tenantSeedSchema.shape.behaviour.parse({}));

/**
 * A representative slice of the end-to-end suites with the emulator in the other reading of every
 * uncertain behaviour at once (docs/graph-assumptions.md): Graph refuses the inbox subscription
 * (so every email comes in through the sweep), a refused share is 403, a unique-value clash 409,
 * lists keep the columns sent at creation, a repeated subscription 409s, Sent Items copies are
 * filed at once. The full suites run the same way with WEQS_EMULATOR_READINGS=alternative.
 */
describe('the pipeline, a review job run and a crash under the alternative readings', () => {
  let stack: Stack;
  let runtime: Runtime;
  let reference = '';
  const applicant = 'nia.newcomer@northtown.nhs.example';
  const organisation = 'Northtown Community Care Partnership 11';

  /** With no subscription, `startStack` delivers each email as one past the sweep's grace period, then sweeps. */
  const deliverThroughSweep = (from: string, subject: string): Promise<{ id: string; internetMessageId: string }> => stack.env.control.deliver({ from: { address: from }, subject });

  beforeAll(async () => {
    stack = await startStack({ directory: 'sample', leaseMs: 2000, retryDelayMs: 500, settings: { WEQS_CALENDAR_CACHE_SECONDS: '0' }, tenant: (seed) => ({ ...seed, behaviour: readings }) });
    runtime = createRuntime(loadConfig({ ...stack.settings, WEQS_LOG_LEVEL: 'silent' }));
  }, 180_000);
  afterAll(async () => stack?.stop());

  it('runs with every option flipped, and weqs has fallen back to the sweep, telling staff once', async () => {
    expect(stack.env.tenant.behaviour).toEqual({
      newGuestInviteRefusal: 'access-denied',
      listUniqueValueClashStatus: 409,
      listCreateDropsColumns: false,
      mailboxSubscriptionsNeedTenantWideMailRead: true,
      duplicateSubscriptions: 'conflict',
      sentItemsDelayMs: 0,
    });
    await stack.invokeTimer('maintainSubscription');
    const state = await stack.env.control.state();
    expect(state.subscriptions).toEqual([]);
    expect(cardsTitled(state, /picked up more slowly/)).toHaveLength(1);
  });

  it('opens the application of a new applicant with access pending, and shares the folder once staff make them a guest', async () => {
    const { id, internetMessageId } = await deliverThroughSweep(applicant, `Work Experience Quality Standard – ${organisation}`);
    const record = await outcomeOf(stack, internetMessageId);
    expect(record).toMatchObject({ outcome: 'provisioned', reference: expect.stringMatching(/^WEQS-\d{4}-\d{4}$/) });
    reference = record.reference ?? '';
    let state = await stack.env.control.state();
    expect(applicationRows(state)).toContainEqual(expect.objectContaining({ Reference: reference, Status: 'Open', FolderAccess: 'Pending' }));
    expect(inboxMessage(state, id)?.categories).toEqual(['WEQS: application opened']);
    expect(mailTo(state, applicant).map((mail) => mail.text)).toEqual([expect.stringMatching(/You cannot open the folder yet/)]);
    expect(cardsTitled(state, /share the folder/)).toHaveLength(1);

    await stack.env.control.addGuest(applicant, 'Nia Newcomer');
    await stack.invokeTimer('folderAccess');
    await stack.invokeTimer('folderAccess');
    state = await stack.env.control.state();
    expect(applicationRows(state)).toContainEqual(expect.objectContaining({ Reference: reference, FolderAccess: 'Granted' }));
    expect(mailTo(state, applicant).filter((mail) => /You can now open your evidence folder/.test(mail.subject))).toHaveLength(1);
    expect(mailTo(state, applicant)).toHaveLength(2);
  }, 90_000);

  it('resumes after a crash once the list item was created but not recorded, finding its own row', async () => {
    const requester = 'crash@northtown.nhs.example';
    await stack.env.control.addFaults({ method: 'POST', path: '/v1.0/sites/*/lists/*/items', hang: true, afterApply: true, times: 1 });
    const { internetMessageId } = await deliverThroughSweep(requester, 'Work Experience Quality Standard – Northtown Community Care Partnership 12');
    for (let hit = false; !hit; await sleep(100)) {
      const { value } = await stack.env.control.call<{ value: { hits: number }[] }>('GET', '/_emulator/faults');
      hit = value.some((rule) => rule.hits > 0);
    }
    await stack.restartHost('crash');
    await stack.env.control.clearFaults();
    const record = await outcomeOf(stack, internetMessageId, 90_000);
    expect(record.outcome).toBe('provisioned');
    const state = await stack.env.control.state();
    expect(applicationRows(state).filter((row) => row.Reference === record.reference)).toHaveLength(1);
    expect(mailTo(state, requester)).toHaveLength(1);
    expect(evidenceRoot(state).children.filter((node) => node.name.startsWith('Northtown Community Care Partnership 12'))).toHaveLength(1);
  }, 120_000);

  it('sends a deadline reminder once and closes the cycle, moving an application that is not ready to the next one', async () => {
    const outbound = async (subject: RegExp): Promise<EmulatorState['outbound']> => (await stack.env.control.state()).outbound.filter((mail) => mail.to.includes(applicant) && subject.test(mail.subject));
    const run = async (at: Date, job: 'reminders' | 'close-cycle'): Promise<void> => {
      await stack.env.control.call('POST', '/_emulator/clock', { set: at.toISOString() });
      await runReviewJob(job, runtime.review, { now: at, dryRun: false });
    };
    // 28 days before the first example cycle's deadline (18 May 2027), twice: one reminder.
    await run(noonUk('2027-04-20'), 'reminders');
    await run(noonUk('2027-04-20'), 'reminders');
    expect(await outbound(/submission deadline/i)).toHaveLength(1);
    await run(noonUk('2027-05-19'), 'close-cycle');
    await run(noonUk('2027-05-19'), 'close-cycle');
    const state = await stack.env.control.state();
    expect(applicationRows(state)).toContainEqual(expect.objectContaining({ Reference: reference, Status: 'Open', TargetCycle: 'example-2027-c2' }));
    expect(await outbound(/not reviewed|next|moved/i)).toHaveLength(1);
    expect(cardsTitled(state, /Submission deadline passed/)).toHaveLength(1);
  }, 90_000);
});
