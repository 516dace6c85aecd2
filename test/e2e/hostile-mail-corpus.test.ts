import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InboundEmail } from '../../dev/emulator-client.js';
import type { InboundOutcome } from '../../src/domain/inbound-outcome.js';
import { applicationRows, cardsTitled, outcomeOf } from '../support/pipeline.js';
import { startStack } from '../support/stack.js';
import type { Stack } from '../support/stack.js';

/** Delivers and waits for the outcome, allowing for a loaded machine and a full sending minute. */
async function deliverAndWait(stack: Stack, email: InboundEmail): Promise<{ id: string; internetMessageId: string; record: Awaited<ReturnType<typeof outcomeOf>> }> {
  const delivered = await stack.env.control.deliver(email);
  return { ...delivered, record: await outcomeOf(stack, delivered.internetMessageId, 300_000) };
}

/**
 * A corpus of hostile mail for sender trust and floods (issue 8 items 2, 5, 6, 7, 12), through the
 * real pipeline: the emulator, Azurite and the Functions host in its own process. Prints, per
 * group: inputs, wrong outcomes, replies to unverified senders, injections and duplicates.
 * docs/security.md quotes the figures.
 */
type Group = 'spoofed-commands' | 'authentication-results' | 'backscatter' | 'floods' | 'forged-bursts';

interface Case {
  group: Group;
  email: InboundEmail;
  /** Outcomes that are right for this email. */
  expected: readonly InboundOutcome[];
  /** No reply may go to the sender (it was not verified, or it is over a limit). */
  noReply: boolean;
  /** Text that must never come back in a reply. */
  forbidden: readonly string[];
}

const request = (name: string): string => `Work Experience Quality Standard – ${name}`;
const letters = (index: number): string => {
  let text = '';
  let value = index;
  do {
    text = String.fromCharCode(65 + (value % 26)) + text;
    value = Math.floor(value / 26) - 1;
  } while (value >= 0);
  return text;
};

const carriedPass = 'spf=pass (sender IP is 192.0.2.1) smtp.mailfrom=forged.example; dkim=pass header.d=forged.example;dmarc=pass action=none header.from=forged.example;compauth=pass reason=100';
const untrustedDeliveries: { authentication: NonNullable<InboundEmail['authentication']>; headers: { name: string; value: string }[] }[] = [
  { authentication: 'fail', headers: [] },
  { authentication: 'fail', headers: [{ name: 'Authentication-Results', value: carriedPass }] },
  { authentication: 'missing', headers: [] },
  { authentication: 'missing', headers: [{ name: 'Authentication-Results', value: `mx.forged.example; ${carriedPass}` }] },
  { authentication: 'missing', headers: [{ name: 'Authentication-Results', value: '' }] },
  { authentication: 'missing', headers: [{ name: 'Authentication-Results', value: 'garbage' }] },
  { authentication: 'softfail', headers: [] },
];

const hostileNames = ['Refund desk https://evil.example/r', 'Call 0800 123 4567 now', 'www.prize.example', 'Payroll <pay@evil.example>', 'Win big at evil.com today friend', 'IT Helpdesk: reset at bit.ly/x9'];
const hostileTails = ['see https://evil.example/login', 'call +44 20 7946 0958', 'visit www.evil.example/pay', 'reply to pay@evil.example', 'tinyurl.com/abc123 urgent'];

function corpus(references: readonly { reference: string; address: string }[]): Case[] {
  const cases: Case[] = [];
  // Item 2: forged reminder commands against real applications, in every untrusted form.
  for (const [index, target] of references.entries()) {
    for (const [variant, delivery] of untrustedDeliveries.entries()) {
      for (const command of ['STOP REMINDERS', 'START REMINDERS']) {
        cases.push({ group: 'spoofed-commands', email: { from: { address: target.address }, subject: `RE: ${command} ${target.reference}`, ...delivery }, expected: ['untrusted-sender'], noReply: true, forbidden: [] });
      }
      if (variant < 3) cases.push({ group: 'spoofed-commands', email: { from: { address: target.address }, subject: `RE: STOP REMINDERS ${target.reference}`, authentication: 'none' }, expected: ['not-a-request'], noReply: true, forbidden: [] });
    }
    void index;
  }
  // Item 7: requests whose only "pass" is one the message carried, or none at all.
  for (let index = 0; index < 35; index += 1) {
    const delivery = untrustedDeliveries[index % untrustedDeliveries.length] ?? { authentication: 'fail', headers: [] };
    cases.push({ group: 'authentication-results', email: { from: { address: `forger${index}@ar${index}.example` }, subject: request(`Authcheck Hospice ${letters(index)}`), ...delivery }, expected: ['untrusted-sender'], noReply: true, forbidden: [] });
  }
  // Item 6: unverified senders (spf, dkim and dmarc none) with hostile names and subjects.
  for (let index = 0; index < 36; index += 1) {
    const name = hostileNames[index % hostileNames.length] ?? '';
    const tail = hostileTails[index % hostileTails.length] ?? '';
    const subject = index % 3 === 0 ? `${request('')} ${tail}` : index % 3 === 1 ? request(`Backscatter Care ${letters(index)} ${tail}`) : request(`Backscatter Care ${letters(index)}`);
    cases.push({
      group: 'backscatter',
      email: { from: { name, address: `someone${index}@bs${index}.example` }, subject, authentication: 'none' },
      expected: ['provisioned', 'needs-identifying', 'invalid-request'],
      noReply: false,
      forbidden: ['evil.example', 'evil.com', '0800 123', '7946', 'bit.ly', 'tinyurl', 'prize.example', 'pay@', 'Refund desk', 'Payroll', 'Helpdesk'],
    });
  }
  // Item 5: one address asked to be bombed with varied and repeated requests, and one domain.
  for (let index = 0; index < 20; index += 1) {
    cases.push({ group: 'floods', email: { from: { address: 'target@victim.example' }, subject: request(index % 2 === 0 ? 'Flood Repeat Surgery' : `Flood Varied Clinic ${letters(index)}`) }, expected: ['provisioned', 'needs-identifying', 'duplicate', 'held-back'], noReply: false, forbidden: [] });
  }
  for (let index = 0; index < 15; index += 1) {
    cases.push({ group: 'floods', email: { from: { address: `user${index}@flooded-domain.example` }, subject: request(`Domain Flood Practice ${letters(index)}`) }, expected: ['provisioned', 'needs-identifying', 'held-back'], noReply: false, forbidden: [] });
  }
  // Item 12: a burst of forged requests for one organisation.
  for (let index = 0; index < 12; index += 1) {
    cases.push({ group: 'forged-bursts', email: { from: { address: `ceo${index}@burst.example` }, subject: request('Burst Target Hospice'), authentication: 'fail' }, expected: ['untrusted-sender'], noReply: true, forbidden: [] });
  }
  return cases;
}

describe('hostile mail corpus: sender trust and floods', () => {
  let stack: Stack;
  beforeAll(async () => {
    // Sending speed is not under test here (test/integration/send-rate-limiter.test.ts is); the
    // per-domain limit is lowered so the corpus reaches it.
    const settings = { WEQS_MAILBOX_SEND_LIMIT_PER_MINUTE: '100000', WEQS_SEND_RATE_PER_MINUTE: '60000', WEQS_REPLY_LIMIT_PER_DOMAIN: '8' };
    stack = await startStack({ directory: 'sample', settings, tuning: { sendLimitPerMinute: 100_000 } });
  }, 180_000);
  afterAll(async () => stack?.stop());

  it('acts on nothing unverified, echoes no attacker text, and keeps replies within the limits', async () => {
    const genuine = await Promise.all(
      ['Corpus Genuine Hospice One', 'Corpus Genuine Hospice Two', 'Corpus Genuine Hospice Three'].map((name, index) => deliverAndWait(stack, { from: { address: `applicant${index}@genuine${index}.example` }, subject: request(name) })),
    );
    const references = genuine.map(({ record }, index) => ({ reference: record.reference ?? '', address: `applicant${index}@genuine${index}.example` }));
    expect(references.every(({ reference }) => reference.startsWith('WEQS-'))).toBe(true);
    const before = await stack.env.control.state();

    const cases = corpus(references);
    expect(cases.length).toBeGreaterThanOrEqual(150);
    const results: { item: Case; id: string; internetMessageId: string; outcome: InboundOutcome | undefined }[] = [];
    // In batches, as a burst arrives: the whole pipeline, notifications and all.
    for (let start = 0; start < cases.length; start += 30) {
      const batch = cases.slice(start, start + 30);
      const delivered = await Promise.all(batch.map((item) => deliverAndWait(stack, item.email)));
      delivered.forEach(({ id, internetMessageId, record }, index) => results.push({ item: batch[index] as Case, id, internetMessageId, outcome: record.outcome }));
    }
    const state = await stack.env.control.state();
    const newMail = state.outbound.slice(before.outbound.length);

    const groups = [...new Set(cases.map((item) => item.group))];
    const figures = groups.map((group) => {
      const inGroup = results.filter(({ item }) => item.group === group);
      const repliesTo = (messageId: string) => newMail.filter((mail) => mail.inReplyTo === messageId);
      return {
        group,
        inputs: inGroup.length,
        wrongOutcomes: inGroup.filter(({ item, outcome }) => !outcome || !item.expected.includes(outcome)).length,
        repliesToUnverified: inGroup.filter(({ item, internetMessageId }) => item.noReply && repliesTo(internetMessageId).length > 0).length,
        injections: inGroup.filter(({ item, internetMessageId }) => repliesTo(internetMessageId).some((mail) => item.forbidden.some((text) => `${mail.subject}\n${mail.text ?? ''}\n${mail.html ?? ''}`.toLowerCase().includes(text.toLowerCase())))).length,
        duplicates: inGroup.filter(({ internetMessageId }) => repliesTo(internetMessageId).length > 1).length,
      };
    });
    console.log(`hostile mail corpus (trust and floods), ${results.length} emails:\n${figures.map((row) => `  ${row.group.padEnd(24)} inputs ${String(row.inputs).padStart(3)}  wrong outcomes ${row.wrongOutcomes}  replies to unverified ${row.repliesToUnverified}  injections ${row.injections}  duplicates ${row.duplicates}`).join('\n')}`);

    for (const row of figures) expect(row, row.group).toMatchObject({ wrongOutcomes: 0, repliesToUnverified: 0, injections: 0, duplicates: 0 });
    // No reminder preference changed by anything in the corpus.
    for (const { reference } of references) expect(applicationRows(state).find((row) => row.Reference === reference)?.RemindersOff).not.toBe(true);
    // Floods: at most 3 replies to the one address (the repeat answered once), at most 8 to the domain.
    expect(newMail.filter((mail) => mail.to.includes('target@victim.example')).length).toBeLessThanOrEqual(3);
    expect(newMail.filter((mail) => mail.to.some((to) => to.endsWith('@flooded-domain.example'))).length).toBeLessThanOrEqual(8);
    // Forged bursts: one untrusted-sender card per hour, not one per email.
    expect(cardsTitled(state, /could not be verified/).length).toBeLessThanOrEqual(2);
    expect(cardsTitled(state, /possible mail flood/).length).toBeLessThanOrEqual(3);
    expect(newMail.every((mail) => mail.status === 'delivered')).toBe(true);
  }, 900_000);
});
