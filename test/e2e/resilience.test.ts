import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FaultRuleInput } from '../../emulator/faults.js';
import { weqsCommand } from '../../dev/weqs-command.js';
import { ensureDevCertificates } from '../../emulator/tls.js';
import { applicationRows, cardsTitled, evidenceRoot, inboxMessage, mailTo, outcomeOf } from '../support/pipeline.js';
import { startStack } from '../support/stack.js';
import type { Stack } from '../support/stack.js';

import { sleep } from '../../src/resilience/retry.js';

/** Fictional organisations (from the sample directory's naming) so each scenario has its own. */
const organisation = (n: number): string => `Northtown Community Care Partnership ${n}`;

async function waitForFaultHit(stack: Stack, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { value } = await stack.env.control.call<{ value: { hits: number }[] }>('GET', '/_emulator/faults');
    if (value.some((rule) => rule.hits > 0)) return;
    if (Date.now() > deadline) throw new Error('the fault was never hit');
    await sleep(100);
  }
}

/**
 * A crash at each point of the provisioning saga: the Graph call that starts the next step hangs
 * (or is carried out and then hangs, so the host cannot know it happened), the host is killed,
 * and a new host takes the email over once the leases run out. Nothing may happen twice.
 */
describe('the request pipeline under crashes, concurrency and persistent failure', () => {
  let stack: Stack;
  beforeAll(async () => {
    // weqs makes each new applicant a guest here, so every crash point includes guest creation and sharing.
    stack = await startStack({ directory: 'sample', leaseMs: 2000, retryDelayMs: 500, createGuests: true });
  }, 180_000);
  afterAll(async () => stack?.stop());

  const crashes: { step: string; fault: FaultRuleInput }[] = [
    { step: 'the claim and reference, before the folder batch', fault: { method: 'POST', path: '/v1.0/$batch', hang: true } },
    { step: 'the folder batch, before the list item', fault: { method: 'POST', path: '/v1.0/sites/*/lists/*/items', hang: true } },
    { step: 'creating the list item (done, unrecorded)', fault: { method: 'POST', path: '/v1.0/sites/*/lists/*/items', hang: true, afterApply: true } },
    { step: 'sending the reply (sent, unrecorded)', fault: { method: 'POST', path: '/v1.0/users/*/messages/*/send', hang: true, afterApply: true } },
    { step: 'sending the reply (answered 503 after it went)', fault: { method: 'POST', path: '/v1.0/users/*/messages/*/send', status: 503, afterApply: true } },
    // The category is a PATCH on its own; marking the reply's draft is a PATCH inside the send's $batch.
    { step: 'the Teams card, before the category', fault: { method: 'PATCH', path: '/v1.0/users/*/messages/*', inBatch: false, hang: true } },
    { step: 'the category (set, outcome unrecorded)', fault: { method: 'PATCH', path: '/v1.0/users/*/messages/*', inBatch: false, hang: true, afterApply: true } },
  ];

  for (const [index, { step, fault }] of crashes.entries()) {
    it(`resumes after a crash following ${step}, doing nothing twice`, async () => {
      const name = organisation(index + 1);
      const requester = `crash${index}@northtown.nhs.example`;
      await stack.env.control.addFaults({ ...fault, times: 1 });
      const { id, internetMessageId } = await stack.env.control.deliver({ from: { address: requester }, subject: `Work Experience Quality Standard – ${name}` });
      await waitForFaultHit(stack);
      await stack.restartHost('crash');
      await stack.env.control.clearFaults();
      // A crash can cut a send off between its draft and Graph's answer: the outcome is then
      // unknown, and weqs waits for the Sent Items copy (6 s here: WEQS_SENT_ITEMS_SETTLE_SECONDS) before it sends again.
      const record = await outcomeOf(stack, internetMessageId, 60_000);
      const state = await stack.env.control.state();
      expect(record.outcome).toBe('provisioned');
      expect(evidenceRoot(state).children.filter((node) => node.name === name)).toHaveLength(1);
      expect(evidenceRoot(state).children.find((node) => node.name === name)?.children).toHaveLength(7);
      expect(applicationRows(state).filter((row) => row.Title === name)).toHaveLength(1);
      expect(mailTo(state, requester)).toHaveLength(1);
      expect(state.sharingInvitations.filter((invitation) => invitation.email === requester)).toHaveLength(1);
      expect(cardsTitled(state, new RegExp(name))).toHaveLength(1);
      expect(inboxMessage(state, id)?.categories).toEqual(['WEQS: application opened']);
    }, 120_000);
  }

  it('opens exactly one application when two host instances race for one organisation', async () => {
    await stack.addInstance();
    await stack.env.control.addFaults({ path: '/v1.0/**', latencyMs: 100 });
    const name = 'Riverside Medical Centre';
    const senders = Array.from({ length: 8 }, (_, index) => `racer${index}@riverside.nhs.example`);
    const delivered = await Promise.all(senders.map((address, index) => stack.env.control.deliver({ from: { address }, subject: index % 2 ? `RE: Work Experience Quality Standard - ${name.toUpperCase()}` : `Work Experience Quality Standard – ${name}` })));
    const records = await Promise.all(delivered.map(({ internetMessageId }) => outcomeOf(stack, internetMessageId, 90_000)));
    await stack.env.control.clearFaults();
    expect(records.filter((record) => record.outcome === 'provisioned')).toHaveLength(1);
    expect(records.filter((record) => record.outcome === 'duplicate')).toHaveLength(7);
    const state = await stack.env.control.state();
    expect(evidenceRoot(state).children.filter((node) => node.name.startsWith(name))).toHaveLength(1);
    expect(applicationRows(state).filter((row) => row.Title === name)).toHaveLength(1);
    for (const address of senders) expect(mailTo(state, address)).toHaveLength(1);
    // Two instances share the mailbox; no reply went over Exchange's sending rate.
    expect(state.outbound.every((mail) => mail.status === 'delivered')).toBe(true);
  }, 150_000);

  it('gives up after five attempts, tells staff and marks the email, and a replay finishes the job', async () => {
    await stack.env.control.addFaults({ method: 'POST', path: '/v1.0/sites/*/lists/*/items', status: 500 });
    const name = 'Smilewell Dental Practice';
    const { id, internetMessageId } = await stack.env.control.deliver({ from: { address: 'owner@smilewell.nhs.example' }, subject: `Work Experience Quality Standard – ${name}` });
    const failed = await outcomeOf(stack, internetMessageId, 90_000);
    expect(failed.outcome).toBe('failed');
    let state = await stack.env.control.state();
    expect(inboxMessage(state, id)?.categories).toEqual(['WEQS: processing failed']);
    expect(cardsTitled(state, /could not be processed/)).toHaveLength(1);
    // The host moves the message once the function has thrown, just after the outcome is recorded.
    await stack.waitForLog((line) => line.msg === 'moved a message to the poison queue', 30_000);

    await stack.env.control.clearFaults();
    const certificates = await ensureDevCertificates();
    expect(await weqsCommand({ ...stack.settings, NODE_EXTRA_CA_CERTS: certificates.caCertPath }, ['replay-failed'])).toMatch(/Queued 1 failed email/);
    const replayed = await outcomeOf(stack, internetMessageId, 60_000);
    expect(replayed.outcome).toBe('provisioned');
    state = await stack.env.control.state();
    expect(inboxMessage(state, id)?.categories).toEqual(['WEQS: application opened']);
    expect(applicationRows(state).filter((row) => row.Title === name)).toHaveLength(1);
    expect(mailTo(state, 'owner@smilewell.nhs.example')).toHaveLength(1);
  }, 150_000);
});
