import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applicationRows, cardsTitled, deliverAndWait, inboxMessage, mailTo } from '../support/pipeline.js';
import { startStack } from '../support/stack.js';
import type { Stack } from '../support/stack.js';

/**
 * Hostile mail through the real pipeline (emulator, Azurite, the Functions host in its own
 * process): sender trust before anything else, and which Authentication-Results weqs believes.
 */
describe('hostile mail: sender trust', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ directory: 'sample' });
  }, 180_000);
  afterAll(async () => stack?.stop());

  const request = (name: string): string => `Work Experience Quality Standard – ${name}`;

  it('ignores a forged STOP REMINDERS: nothing changes, nobody is emailed, staff are told', async () => {
    const applicant = 'jo.bloggs@stop-forged.nhs.example';
    const opened = await deliverAndWait(stack, { from: { name: 'Jo Bloggs', address: applicant }, subject: request('Stopforged Community Hospice') });
    expect(opened.record.outcome).toBe('provisioned');
    const reference = opened.record.reference ?? '';
    const before = mailTo(await stack.env.control.state(), applicant).length;

    const forged = await deliverAndWait(stack, { from: { name: 'Jo Bloggs', address: applicant }, subject: `RE: STOP REMINDERS ${reference}`, authentication: 'fail' });
    expect(forged.record.outcome).toBe('untrusted-sender');
    const state = await stack.env.control.state();
    expect(applicationRows(state).find((row) => row.Reference === reference)?.RemindersOff).not.toBe(true);
    expect(mailTo(state, applicant)).toHaveLength(before);
    expect(inboxMessage(state, forged.id)?.categories).toEqual(['WEQS: untrusted sender']);

    // From a domain that publishes no SPF, DKIM or DMARC, the same command is left for staff.
    const unverified = await deliverAndWait(stack, { from: { address: applicant }, subject: `RE: STOP REMINDERS ${reference}`, authentication: 'none' });
    expect(unverified.record.outcome).toBe('not-a-request');
    expect(applicationRows(await stack.env.control.state()).find((row) => row.Reference === reference)?.RemindersOff).not.toBe(true);

    // The genuine applicant, verified, still can.
    const genuine = await deliverAndWait(stack, { from: { address: applicant }, subject: `RE: STOP REMINDERS ${reference}` });
    expect(genuine.record.outcome).toBe('reminders-preference');
    expect(applicationRows(await stack.env.control.state()).find((row) => row.Reference === reference)?.RemindersOff).toBe(true);
  });

  it('believes only the result the receiving service added, never one the message carried', async () => {
    const carriedPass = { name: 'Authentication-Results', value: 'spf=pass (sender IP is 192.0.2.1) smtp.mailfrom=forged.example; dkim=pass header.d=forged.example;dmarc=pass action=none header.from=forged.example;compauth=pass reason=100' };
    const foreignPass = { name: 'Authentication-Results', value: 'mx.forged.example; spf=pass smtp.mailfrom=forged.example; dkim=pass; dmarc=pass' };
    const cases = [
      { address: 'a@forged.example', name: 'Forgedone Care Home', authentication: 'fail' as const, headers: [carriedPass] },
      { address: 'b@forged.example', name: 'Forgedtwo Care Home', authentication: 'missing' as const, headers: [foreignPass] },
      { address: 'c@forged.example', name: 'Forgedthree Care Home', authentication: 'missing' as const, headers: [] },
      { address: 'd@forged.example', name: 'Forgedfour Care Home', authentication: 'missing' as const, headers: [{ name: 'Authentication-Results', value: '' }] },
    ];
    const results = await Promise.all(cases.map((item) => deliverAndWait(stack, { from: { address: item.address }, subject: request(item.name), authentication: item.authentication, headers: item.headers })));
    const state = await stack.env.control.state();
    for (const [index, { record }] of results.entries()) {
      expect(record.outcome, cases[index]?.name).toBe('untrusted-sender');
      expect(mailTo(state, cases[index]?.address ?? '')).toHaveLength(0);
    }
    expect(applicationRows(state).some((row) => String(row.Title).startsWith('Forged'))).toBe(false);
    expect(cardsTitled(state, /could not be verified/).length).toBeGreaterThanOrEqual(1);
  });
});
