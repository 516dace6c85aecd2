import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InboundEmail } from '../../dev/emulator-client.js';
import { applicationRows, cardsTitled, evidenceRoot, inboxMessage, mailTo, outcomeOf } from '../support/pipeline.js';
import { startStack } from '../support/stack.js';
import type { Stack } from '../support/stack.js';

/** Delivers and waits for the outcome, allowing for a loaded machine and a full sending minute. */
async function deliverAndWait(stack: Stack, email: InboundEmail): Promise<{ id: string; internetMessageId: string; record: Awaited<ReturnType<typeof outcomeOf>> }> {
  const delivered = await stack.env.control.deliver(email);
  return { ...delivered, record: await outcomeOf(stack, delivered.internetMessageId, 300_000) };
}

/**
 * Hostile mail through the real pipeline (emulator, Azurite, the Functions host in its own
 * process): sender trust before anything else, and which Authentication-Results weqs believes.
 */
describe('hostile mail: sender trust', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ directory: 'sample', settings: { WEQS_REPLY_LIMIT_PER_DOMAIN: '10' } });
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
  }, 400_000);

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
  }, 400_000);

  it('cannot be used to mail-bomb an address or a domain: a few replies, the rest held back, staff told once', async () => {
    const victim = 'victim@third-party.example';
    const varied = Array.from({ length: 8 }, (_, index) => ({ from: { address: victim }, subject: request(`Bombarded Clinic Number ${'ABCDEFGH'.charAt(index)}`) }));
    const repeats = Array.from({ length: 6 }, () => ({ from: { address: 'repeat@another-party.example' }, subject: request('Repeated Request Surgery') }));
    const domain = Array.from({ length: 14 }, (_, index) => ({ from: { address: `person${index}@bombed-domain.example` }, subject: request(`Domainflood Practice ${'ABCDEFGHIJKLMN'.charAt(index)}`) }));
    const results = await Promise.all([...varied, ...repeats, ...domain].map((email) => deliverAndWait(stack, email)));
    const state = await stack.env.control.state();

    expect(mailTo(state, victim)).toHaveLength(3);
    expect(mailTo(state, 'repeat@another-party.example')).toHaveLength(1);
    expect(state.outbound.filter((mail) => mail.to.some((to) => to.endsWith('@bombed-domain.example')))).toHaveLength(10);
    const held = results.filter(({ record }) => record.outcome === 'held-back');
    expect(held).toHaveLength(5 + 5 + 4);
    // Held-back requests change nothing: no folder for them.
    const folders = evidenceRoot(state).children.map((node) => node.name);
    expect(folders.filter((name) => name.startsWith('Bombarded Clinic'))).toHaveLength(3);
    for (const { id } of held) expect(inboxMessage(state, id)?.categories).toEqual(['WEQS: held back (too many requests)']);
    // One card per limit and window: the address, the repeat and the domain.
    expect(cardsTitled(state, /possible mail flood/)).toHaveLength(3);
  }, 600_000);

  it('tells staff about non-delivery reports, once an hour however many arrive', async () => {
    const ndr = (index: number) => ({
      from: { name: 'Microsoft Outlook', address: 'MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@weqs.nhs.example' },
      subject: `Undeliverable: RE: Work Experience Quality Standard – Bounce ${index}`,
      body: 'Delivery has failed to these recipients or groups.',
      headers: [{ name: 'X-MS-Exchange-Message-Is-Ndr', value: '' }, { name: 'Auto-Submitted', value: 'auto-replied' }],
      authentication: 'none' as const,
    });
    const results = await Promise.all([1, 2, 3].map((index) => deliverAndWait(stack, ndr(index))));
    for (const { record } of results) expect(record.outcome).toBe('not-a-request');
    expect(cardsTitled(await stack.env.control.state(), /could not be delivered/)).toHaveLength(1);
  }, 400_000);
});
