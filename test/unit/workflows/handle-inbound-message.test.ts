import { describe, expect, it } from 'vitest';
import { categoriesWithOutcome } from '../../../src/domain/inbound-outcome.js';
import type { InboundOutcome } from '../../../src/domain/inbound-outcome.js';
import { keyDigest } from '../../../src/domain/key-digest.js';
import type { ApplicationClaim } from '../../../src/ports/claims.port.js';
import { OrganisationDirectory } from '../../../src/domain/organisation-directory.js';
import { failingAuthentication, InboundWorld, organisations, requestSubject } from './inbound-fakes.js';
import type { InboxEmail } from '../../../src/ports/mailbox.port.js';

// The request saga in process, against in-memory ports with the real adapters' guarantees. The
// end-to-end tests prove the adapters against the emulator; these prove the saga's decisions.

const northshire = 'Northshire Teaching Hospitals NHS Trust';
const jo = { name: 'Jo Bloggs', address: 'jo.bloggs@trust.nhs.example' };
const sam = { name: 'Sam Other', address: 'sam.other@trust.nhs.example' };

const cardTitles = (world: InboundWorld): string => JSON.stringify(world.effects.cards);
const claimOf = (world: InboundWorld, key = 'ods:RZZ'): ApplicationClaim | undefined => world.claimsByKey.get(key);

function expectOutcome(world: InboundWorld, email: InboxEmail, outcome: InboundOutcome): void {
  expect(world.outcomeOf(email)).toBe(outcome);
  expect(world.categoriesOf(email)).toEqual(categoriesWithOutcome([], outcome) ?? []);
}

describe('the request saga (in process)', () => {
  it('opens an application: one reference, folder, list entry, threaded reply and staff card, then records the outcome', async () => {
    const world = new InboundWorld();
    const email = world.deliver({ subject: requestSubject(northshire), from: jo });

    const handled = await world.handle(email);

    expect(handled).toMatchObject({ outcome: 'provisioned', repeated: false, organisationKey: 'ods:RZZ', reference: 'WEQS-2027-0001' });
    expectOutcome(world, email, 'provisioned');
    expect(world.effects.folders.map((folder) => folder.folderName)).toEqual(['Northshire Teaching Hospitals NHS Trust (RZZ)']);
    expect(world.effects.applications).toEqual([
      expect.objectContaining({ reference: 'WEQS-2027-0001', organisationKey: 'ods:RZZ', organisationName: northshire, odsCode: 'RZZ', requesterAddress: jo.address, requesterName: jo.name, folderAccess: 'granted', targetCycleId: 'example-2027-c1', sourceMessageId: email.internetMessageId }),
    ]);
    expect(world.effects.sent).toHaveLength(1);
    expect(world.effects.sent[0]).toMatchObject({ intent: `reply:${keyDigest(email.internetMessageId)}`, message: { to: [jo], inReplyTo: email.internetMessageId } });
    expect(world.effects.sent[0]?.message.text).toContain('WEQS-2027-0001');
    expect(world.effects.cards).toHaveLength(1);
    expect(claimOf(world)).toMatchObject({ state: 'open', progress: { reference: 'WEQS-2027-0001', folderId: 'folder-1', listItemId: 'item-1', shared: true } });
  });

  it('does nothing more for an email handled before (a repeated notification)', async () => {
    const world = new InboundWorld();
    const email = world.deliver({ subject: requestSubject(northshire) });
    await world.handle(email);
    const before = structuredClone(world.effects);

    const again = await world.handle(email);

    expect(again).toMatchObject({ outcome: 'provisioned', repeated: true });
    expect(world.effects).toEqual(before);
  });

  it('opens the application with access pending when the folder cannot be shared, and the one card is the action for staff', async () => {
    const world = new InboundWorld();
    world.outsiders.add(jo.address);
    const email = world.deliver({ subject: requestSubject(northshire), from: jo });

    expect((await world.handle(email)).outcome).toBe('provisioned');
    expect(world.effects.applications[0]?.folderAccess).toBe('pending');
    expect(claimOf(world)?.progress).toMatchObject({ accessPending: true, shared: false });
    expect(world.effects.cards).toHaveLength(1);
    expect(cardTitles(world)).toContain('Northshire Teaching Hospitals NHS Trust (RZZ)');
  });

  it('opens an application for a name the directory does not know, keyed by the name', async () => {
    const world = new InboundWorld();
    const email = world.deliver({ subject: requestSubject('Brand New Community Project') });
    expect(await world.handle(email)).toMatchObject({ outcome: 'provisioned', reference: 'WEQS-2027-0001' });
    expect(world.effects.applications[0]?.odsCode).toBeUndefined();
  });
});

describe('refusals: every other email ends in exactly one recorded outcome', () => {
  it('leaves an email that is not a request untouched: no reply, no category', async () => {
    const world = new InboundWorld();
    const email = world.deliver({ subject: 'Lunch on Friday?' });
    expect((await world.handle(email)).outcome).toBe('not-a-request');
    expect(world.outcomeOf(email)).toBe('not-a-request');
    expect(world.categoriesOf(email)).toEqual([]);
    expect(world.effects.sent).toEqual([]);
  });

  it('leaves automated mail alone, even with a request subject (no mail loops)', async () => {
    const world = new InboundWorld();
    const email = world.deliver({ subject: requestSubject(northshire), headers: [{ name: 'Auto-Submitted', value: 'auto-replied' }] });
    expect((await world.handle(email)).outcome).toBe('not-a-request');
    expect(world.effects).toMatchObject({ sent: [], folders: [], cards: [] });
  });

  it('changes nothing and replies to nobody for a sender that failed authentication, and tells staff once an hour', async () => {
    const world = new InboundWorld();
    const first = world.deliver({ subject: requestSubject(northshire), authentication: failingAuthentication });
    const second = world.deliver({ subject: requestSubject('East Westshire NHS Foundation Trust'), authentication: null });

    expect((await world.handle(first)).outcome).toBe('untrusted-sender');
    expect((await world.handle(second)).outcome).toBe('untrusted-sender');
    expectOutcome(world, first, 'untrusted-sender');
    expect(world.effects).toMatchObject({ sent: [], folders: [], applications: [] });
    expect(world.claimsByKey.size).toBe(0);
    expect(world.effects.cards).toHaveLength(1);
  });

  it('holds back a request over the reply limits: nothing created, no reply, staff told', async () => {
    const world = new InboundWorld();
    world.replyDecision = (address) => ({ allowed: false, kind: 'address', subject: address, windowStart: new Date('2027-03-02T00:00:00Z'), windowEnd: new Date('2027-03-03T00:00:00Z'), limit: 3 });
    const email = world.deliver({ subject: requestSubject(northshire) });

    expect((await world.handle(email)).outcome).toBe('held-back');
    expectOutcome(world, email, 'held-back');
    expect(world.claimsByKey.size).toBe(0);
    expect(world.effects.sent).toEqual([]);
    expect(world.effects.cards).toHaveLength(1);
  });

  it.each([
    ['no name at all', requestSubject('')],
    ['a name carrying a link', requestSubject('Visit https://evil.example/claim now')],
  ])('answers a request with %s with the subject format, echoing none of it', async (_case, subject) => {
    const world = new InboundWorld();
    const email = world.deliver({ subject });

    expect((await world.handle(email)).outcome).toBe('invalid-request');
    expectOutcome(world, email, 'invalid-request');
    expect(world.claimsByKey.size).toBe(0);
    expect(world.effects.sent).toHaveLength(1);
    expect(JSON.stringify(world.effects.sent)).not.toContain('evil.example');
  });

  it.each([
    ['shared by several organisations', 'Castle Medical Centre'],
    ['only close to a known one', 'Northshyre Teaching Hospitals NHS Trust'],
    ['written with look-alike letters', 'Nоrthshire Teaching Hospitals NHS Trust'],
  ])('asks for the ODS code or postcode when the name is %s, and tells staff', async (_case, name) => {
    const world = new InboundWorld();
    const email = world.deliver({ subject: requestSubject(name) });

    expect((await world.handle(email)).outcome).toBe('needs-identifying');
    expectOutcome(world, email, 'needs-identifying');
    expect(world.claimsByKey.size).toBe(0);
    expect(world.effects.folders).toEqual([]);
    expect(world.effects.sent).toHaveLength(1);
    expect(world.effects.cards).toHaveLength(1);
  });

  it('ends a message that has gone from the inbox as message-gone', async () => {
    const world = new InboundWorld();
    const email = world.deliver({ subject: requestSubject(northshire) });
    world.emails.delete(email.id);
    expect(await world.handle(email)).toMatchObject({ outcome: 'message-gone', repeated: false });
    expect(world.effects.sent).toEqual([]);
  });

  it('turns reminders off for the requester who asks, and leaves anyone else’s request for staff', async () => {
    const world = new InboundWorld();
    world.seedApplication({ reference: 'WEQS-2027-0007', organisationKey: 'ods:RZZ', organisationName: northshire, requesterAddress: jo.address, folderUrl: '', formUrl: '', receivedAt: '2027-01-01T00:00:00Z', sourceMessageId: '<seed@x>' });
    const stranger = world.deliver({ subject: 'RE: WEQS-2027-0007 STOP REMINDERS', from: sam });
    const requester = world.deliver({ subject: 'RE: WEQS-2027-0007 STOP REMINDERS', from: jo });

    expect(await world.handle(stranger)).toMatchObject({ outcome: 'not-a-request', reference: 'WEQS-2027-0007' });
    expect(world.remindersOff.get('WEQS-2027-0007')).toBe(false);
    expect(await world.handle(requester)).toMatchObject({ outcome: 'reminders-preference', reference: 'WEQS-2027-0007', organisationKey: 'ods:RZZ' });
    expect(world.remindersOff.get('WEQS-2027-0007')).toBe(true);
    expect(world.effects.sent).toHaveLength(1);

    const restart = world.deliver({ subject: 'RE: WEQS-2027-0007 START REMINDERS', from: jo });
    expect((await world.handle(restart)).outcome).toBe('reminders-preference');
    expect(world.remindersOff.get('WEQS-2027-0007')).toBe(false);
    expect(world.effects.sent).toHaveLength(1);
  });

  it('replies with when it can renew to an organisation whose award is current', async () => {
    const world = new InboundWorld();
    world.seedClaim({ organisationKey: 'ods:RZZ', organisationName: northshire, odsCode: 'RZZ', sourceMessageKey: 'earlier', requesterAddress: jo.address, receivedAt: '2026-01-01T00:00:00Z', state: 'awarded', progress: { reference: 'WEQS-2026-0001' }, award: { level: 'gold', expiresOn: '2028-12-31' } });
    const email = world.deliver({ subject: requestSubject(northshire) });

    expect(await world.handle(email)).toMatchObject({ outcome: 'award-current', reference: 'WEQS-2026-0001' });
    expect(world.effects.folders).toEqual([]);
    expect(world.effects.sent).toHaveLength(1);
  });

  it('opens a new application for an organisation whose last one was withdrawn', async () => {
    const world = new InboundWorld();
    world.seedClaim({ organisationKey: 'ods:RZZ', organisationName: northshire, odsCode: 'RZZ', sourceMessageKey: 'earlier', requesterAddress: sam.address, receivedAt: '2026-01-01T00:00:00Z', state: 'withdrawn', progress: { reference: 'WEQS-2026-0001' } });
    const email = world.deliver({ subject: requestSubject(northshire), from: jo });

    expect(await world.handle(email)).toMatchObject({ outcome: 'provisioned', reference: 'WEQS-2027-0001' });
    expect(claimOf(world)).toMatchObject({ requesterAddress: jo.address, state: 'open' });
  });
});

describe('duplicates', () => {
  it('answers a second requester politely without the folder link, and tells staff who both are', async () => {
    const world = new InboundWorld();
    await world.handle(world.deliver({ subject: requestSubject(northshire), from: jo }));
    const second = world.deliver({ subject: requestSubject(northshire), from: sam });

    expect(await world.handle(second)).toMatchObject({ outcome: 'duplicate', reference: 'WEQS-2027-0001' });
    expectOutcome(world, second, 'duplicate');
    expect(world.effects.folders).toHaveLength(1);
    expect(world.effects.applications).toHaveLength(1);
    const reply = world.effects.sent[1];
    expect(reply?.message.to).toEqual([sam]);
    expect(reply?.message.text).not.toContain('WEQS-2027-0001');
    expect(reply?.message.text).not.toContain(world.effects.folders[0]?.folderUrl);
    expect(world.effects.cards).toHaveLength(2);
    expect(cardTitles(world)).toContain(sam.address);
  });

  it('reminds the same requester of their application, with its reference, and does not alert staff again', async () => {
    const world = new InboundWorld();
    await world.handle(world.deliver({ subject: requestSubject(northshire), from: jo }));
    const again = world.deliver({ subject: requestSubject(northshire), from: jo });

    expect((await world.handle(again)).outcome).toBe('duplicate');
    expect(world.effects.sent[1]?.message.text).toContain('WEQS-2027-0001');
    expect(world.effects.cards).toHaveLength(1);
  });

  it('counts an open application made under the name before the directory knew it', async () => {
    const world = new InboundWorld();
    const resolution = OrganisationDirectory.build(organisations, []).resolve(northshire);
    if (resolution.kind !== 'resolved') throw new Error('the fixture directory should resolve the name');
    world.seedClaim({ organisationKey: resolution.nameKey, organisationName: northshire, sourceMessageKey: 'earlier', requesterAddress: jo.address, receivedAt: '2027-01-01T00:00:00Z', state: 'open', progress: { reference: 'WEQS-2027-0003' } });
    const later = world.deliver({ subject: requestSubject(northshire), from: sam });

    expect(await world.handle(later)).toMatchObject({ outcome: 'duplicate', reference: 'WEQS-2027-0003' });
    expect(world.claimsByKey.has('ods:RZZ')).toBe(false);
  });
});

describe('failures and deferrals', () => {
  it('gives up on the final attempt: staff card, failed outcome and category, and the claim no longer blocks the organisation', async () => {
    const world = new InboundWorld();
    world.failing = { name: 'evidence.provision', error: new Error('503 from the library') };
    const email = world.deliver({ subject: requestSubject(northshire) });

    await expect(world.handle(email)).rejects.toThrow('503 from the library');
    expect(world.ledgerEntries.get(keyDigest(email.internetMessageId))).toMatchObject({ state: 'processing', detail: '503 from the library' });
    await expect(world.handle(email, { final: true })).rejects.toThrow('503 from the library');

    expectOutcome(world, email, 'failed');
    expect(claimOf(world)?.state).toBe('failed');
    expect(world.effects.cards).toHaveLength(1);
    expect(world.effects.sent).toEqual([]);
  });

  it('ends a request that can never be stored as failed at once, without waiting for the last attempt', async () => {
    const world = new InboundWorld();
    const email = world.deliver({ subject: requestSubject(northshire), from: { address: `${'a'.repeat(250)}@trust.nhs.example` } });

    expect((await world.handle(email)).outcome).toBe('failed');
    expectOutcome(world, email, 'failed');
    expect(world.effects.folders).toEqual([]);
  });

  it('puts an email off while another worker holds it, changing nothing', async () => {
    const world = new InboundWorld();
    const email = world.deliver({ subject: requestSubject(northshire) });
    const key = keyDigest(email.internetMessageId);
    world.ledgerEntries.set(key, { key, messageId: email.id, state: 'processing', attempts: 1, correlationId: 'other', updatedAt: '', etag: '', leaseOwner: 'another worker', leaseUntil: world.now.getTime() + 60_000 } as Parameters<typeof world.ledgerEntries.set>[1]);

    expect(await world.attempt(email)).toEqual({ kind: 'later', reason: 'busy', delaySeconds: 15, detail: 'Another worker is handling this email.' });
    expect(world.effects).toMatchObject({ sent: [], folders: [], cards: [] });
  });

  it('puts an email off, not failed, when a reply may have gone moments ago', async () => {
    const world = new InboundWorld();
    world.sendResult = { kind: 'later', reason: 'send-outcome-unknown', detail: 'may have been sent' };
    const email = world.deliver({ subject: requestSubject('Castle Medical Centre') });

    expect(await world.attempt(email, { final: true })).toEqual({ kind: 'later', reason: 'send-outcome-unknown', delaySeconds: 30, detail: 'may have been sent' });
    expect(world.outcomeOf(email)).toBeUndefined();
    expect(world.ledgerEntries.get(keyDigest(email.internetMessageId))).toMatchObject({ state: 'processing', detail: 'may have been sent' });
    world.sendResult = undefined;
    expect((await world.handle(email)).outcome).toBe('needs-identifying');
  });
});

/** Runs a scenario once without crashes, to learn how many port calls its email makes. */
async function callsOf(scenario: (world: InboundWorld) => Promise<InboxEmail>): Promise<{ count: number; names: string[] }> {
  const world = new InboundWorld();
  const email = await scenario(world);
  const start = world.calls.length;
  await world.handle(email);
  return { count: world.calls.length - start, names: world.calls.slice(start) };
}

const scenarios: Record<string, { outcome: InboundOutcome; prepare: (world: InboundWorld) => Promise<InboxEmail> }> = {
  'a new application': { outcome: 'provisioned', prepare: async (world) => world.deliver({ subject: requestSubject(northshire), from: jo }) },
  'a new application with access pending': {
    outcome: 'provisioned',
    prepare: async (world) => {
      world.outsiders.add(jo.address);
      return world.deliver({ subject: requestSubject(northshire), from: jo });
    },
  },
  'a duplicate': {
    outcome: 'duplicate',
    prepare: async (world) => {
      await world.handle(world.deliver({ subject: requestSubject(northshire), from: jo }));
      return world.deliver({ subject: requestSubject(northshire), from: sam });
    },
  },
  'a name that needs identifying': { outcome: 'needs-identifying', prepare: async (world) => world.deliver({ subject: requestSubject('Castle Medical Centre') }) },
};

describe.each(Object.entries(scenarios))('crash at every step, then the queue retries: %s', async (_name, scenario) => {
  const { count, names } = await callsOf(scenario.prepare);
  const points = Array.from({ length: count }, (_, index) => index).flatMap((index) => (['before', 'after'] as const).map((when) => ({ index, when, name: names[index] ?? '' })));

  it.each(points)('crash $when call $index ($name): one outcome, every side effect once', async ({ index, when, name }) => {
    const world = new InboundWorld();
    const email = await scenario.prepare(world);
    const before = structuredClone(world.effects);
    world.crashAt = { call: world.calls.length + index + 1, when };

    const handled = await world.handleUntilDone(email);

    expect(world.crashed).toBe(true);
    expect(handled.outcome).toBe(scenario.outcome);
    expect(world.outcomeOf(email)).toBe(scenario.outcome);
    const sentNow = world.effects.sent.slice(before.sent.length);
    expect(sentNow).toHaveLength(1);
    expect(sentNow[0]?.intent).toBe(`reply:${keyDigest(email.internetMessageId)}`);
    if (scenario.outcome === 'provisioned') {
      expect(world.effects.folders).toHaveLength(1);
      expect(world.effects.applications).toHaveLength(1);
      expect(world.claimsByKey.get('ods:RZZ')).toMatchObject({ state: 'open', progress: { reference: world.effects.applications[0]?.reference, folderId: world.effects.folders[0]?.folderId, listItemId: world.effects.applications[0]?.id } });
    } else {
      expect(world.effects.folders).toHaveLength(before.folders.length);
      expect(world.effects.applications).toHaveLength(before.applications.length);
    }
    // A card has no copy to look for afterwards: a crash between posting it and recording it repeats it (at least once).
    const cardsNow = world.effects.cards.length - before.cards.length;
    expect(cardsNow).toBe(when === 'after' && name === 'staff.post' ? 2 : 1);
  });
});

const replyingPaths: Record<string, { outcome: InboundOutcome; prepare: (world: InboundWorld) => Promise<InboxEmail> }> = {
  ...scenarios,
  'a request without a usable name': { outcome: 'invalid-request', prepare: async (world) => world.deliver({ subject: requestSubject('') }) },
  'an organisation whose award is current': {
    outcome: 'award-current',
    prepare: async (world) => {
      world.seedClaim({ organisationKey: 'ods:RZZ', organisationName: northshire, odsCode: 'RZZ', sourceMessageKey: 'earlier', requesterAddress: jo.address, receivedAt: '2026-01-01T00:00:00Z', state: 'awarded', progress: { reference: 'WEQS-2026-0001' }, award: { level: 'gold', expiresOn: '2028-12-31' } });
      return world.deliver({ subject: requestSubject(northshire) });
    },
  },
  'a request to stop reminders': {
    outcome: 'reminders-preference',
    prepare: async (world) => {
      world.seedApplication({ reference: 'WEQS-2027-0007', organisationKey: 'ods:RZZ', organisationName: northshire, requesterAddress: jo.address, folderUrl: '', formUrl: '', receivedAt: '2027-01-01T00:00:00Z', sourceMessageId: '<seed@x>' });
      return world.deliver({ subject: 'RE: WEQS-2027-0007 STOP REMINDERS', from: jo });
    },
  },
};

describe.each(Object.entries(replyingPaths))('a reply that cannot settle yet puts the email off: %s', (_name, scenario) => {
  it.each([
    ['another worker is sending it', 'in-progress' as const, 'send-outcome-unknown', 30],
    ['it may have gone moments ago', { kind: 'later' as const, reason: 'send-outcome-unknown' as const, detail: 'may have been sent' }, 'send-outcome-unknown', 30],
    ['the sending rate is full', { kind: 'later' as const, reason: 'send-rate-busy' as const, detail: 'full' }, 'send-rate-busy', 60],
  ])('%s: no outcome yet, then the same outcome with one reply', async (_why, unsettled, reason, delaySeconds) => {
    const world = new InboundWorld();
    const email = await scenario.prepare(world);
    const before = structuredClone(world.effects);
    world.sendResult = unsettled;

    expect(await world.attempt(email)).toMatchObject({ kind: 'later', reason, delaySeconds });
    expect(world.outcomeOf(email)).toBeUndefined();
    // Released, so the queue's next delivery need not wait out the lease.
    const entry = world.ledgerEntries.get(keyDigest(email.internetMessageId));
    expect(entry).toMatchObject({ state: 'processing' });
    expect(entry?.leaseOwner).toBeUndefined();
    world.sendResult = undefined;

    expect((await world.handleUntilDone(email)).outcome).toBe(scenario.outcome);
    expect(world.outcomeOf(email)).toBe(scenario.outcome);
    expect(world.effects.sent.slice(before.sent.length)).toHaveLength(1);
    expect(world.effects.folders.length - before.folders.length).toBe(scenario.outcome === 'provisioned' ? 1 : 0);
    expect(world.effects.applications.length - before.applications.length).toBe(scenario.outcome === 'provisioned' ? 1 : 0);
  });
});

describe('an unsettled reply beside a failing step', () => {
  it('is a failure when the list item fails (retried as any failure), and a deferral when only the staff card does not', async () => {
    const world = new InboundWorld();
    const email = world.deliver({ subject: requestSubject(northshire), from: jo });
    world.sendResult = { kind: 'later', reason: 'send-outcome-unknown', detail: 'may have been sent' };
    world.failing = { name: 'applications.createOnce', error: new Error('503 from the list') };
    await expect(world.attempt(email)).rejects.toThrow('503 from the list');

    world.failing = { name: 'staff.post', error: new Error('Teams down') };
    expect(await world.attempt(email)).toMatchObject({ kind: 'later', reason: 'send-outcome-unknown' });

    world.failing = undefined;
    world.sendResult = undefined;
    expect((await world.handleUntilDone(email)).outcome).toBe('provisioned');
    expect(world.effects.sent).toHaveLength(1);
    expect(world.effects.applications).toHaveLength(1);
  });
});

describe('the less travelled paths', () => {
  const unverified = 'spf=none (sender IP is 192.0.2.9) smtp.mailfrom=trust.nhs.example; dkim=none (message not signed) header.d=none;dmarc=none action=none header.from=trust.nhs.example;';

  it('tells staff of bounces of mail weqs sent, once an hour, and leaves them as they are', async () => {
    const world = new InboundWorld();
    const bounce = (): InboxEmail => world.deliver({ subject: 'Undeliverable: Your application', from: { address: 'postmaster@trust.nhs.example' }, headers: [{ name: 'X-MS-Exchange-Message-Is-Ndr', value: '' }] });
    const [first, second] = [bounce(), bounce()];

    expect((await world.handle(first)).outcome).toBe('not-a-request');
    expect((await world.handle(second)).outcome).toBe('not-a-request');
    expect(world.effects.cards).toHaveLength(1);
    expect(world.categoriesOf(first)).toEqual([]);
  });

  it('leaves an unauthenticated email that asks for nothing untouched, with no card', async () => {
    const world = new InboundWorld();
    const email = world.deliver({ subject: 'RE: WEQS-2027-0001 thank you', authentication: failingAuthentication });
    expect(await world.handle(email)).toMatchObject({ outcome: 'not-a-request', reference: 'WEQS-2027-0001' });
    expect(world.effects.cards).toEqual([]);
  });

  it('leaves a reminder preference from a sender no domain vouched for to staff', async () => {
    const world = new InboundWorld();
    world.seedApplication({ reference: 'WEQS-2027-0007', organisationKey: 'ods:RZZ', organisationName: northshire, requesterAddress: jo.address, folderUrl: '', formUrl: '', receivedAt: '2027-01-01T00:00:00Z', sourceMessageId: '<seed@x>' });
    const email = world.deliver({ subject: 'RE: WEQS-2027-0007 STOP REMINDERS', from: jo, authentication: unverified });

    const handled = await world.handle(email);
    expect(handled).toMatchObject({ outcome: 'not-a-request', reference: 'WEQS-2027-0007' });
    expect(handled.detail).toContain('unverified sender');
    expect(world.remindersOff.get('WEQS-2027-0007')).toBe(false);
  });

  it('holds back the reply to a reminder preference over the reply limits, and tells staff instead', async () => {
    const world = new InboundWorld();
    world.replyDecision = (address) => ({ allowed: false, kind: 'address', subject: address, windowStart: new Date('2027-03-02T00:00:00Z'), windowEnd: new Date('2027-03-03T00:00:00Z'), limit: 3 });
    world.seedApplication({ reference: 'WEQS-2027-0007', organisationKey: 'ods:RZZ', organisationName: northshire, requesterAddress: jo.address, requesterName: jo.name, folderUrl: '', formUrl: '', receivedAt: '2027-01-01T00:00:00Z', sourceMessageId: '<seed@x>' });
    const email = world.deliver({ subject: 'RE: WEQS-2027-0007 STOP REMINDERS', from: jo });

    expect((await world.handle(email)).outcome).toBe('reminders-preference');
    expect(world.remindersOff.get('WEQS-2027-0007')).toBe(true);
    expect(world.effects.sent).toEqual([]);
    expect(world.effects.cards).toHaveLength(1);
  });

  it.each([
    ['failed', 'provisioned'],
    ['not-awarded', 'provisioned'],
    ['expired', 'provisioned'],
    ['provisioning', 'duplicate'],
  ] as const)('decides a new request for an organisation whose claim is %s: %s', async (state, outcome) => {
    const world = new InboundWorld();
    world.seedClaim({ organisationKey: 'ods:RZZ', organisationName: northshire, odsCode: 'RZZ', sourceMessageKey: 'earlier', requesterAddress: sam.address, receivedAt: '2025-01-01T00:00:00Z', state, progress: {}, ...(state === 'expired' ? { award: { level: 'bronze' as const, expiresOn: '2027-01-01' } } : {}) });
    const email = world.deliver({ subject: requestSubject(northshire), from: jo });

    expect((await world.handle(email)).outcome).toBe(outcome);
  });

  it('answers as a duplicate when another request took the claim over a moment earlier', async () => {
    const world = new InboundWorld();
    world.seedClaim({ organisationKey: 'ods:RZZ', organisationName: northshire, odsCode: 'RZZ', sourceMessageKey: 'earlier', requesterAddress: sam.address, receivedAt: '2025-01-01T00:00:00Z', state: 'withdrawn', progress: {} });
    world.deps.claims.takeOver = async () => undefined;
    const email = world.deliver({ subject: requestSubject(northshire), from: jo });

    expect((await world.handle(email)).outcome).toBe('duplicate');
    expect(world.effects.folders).toEqual([]);
  });

  it('treats a look-alike spelling of a name someone already claimed as needing identification', async () => {
    const world = new InboundWorld();
    await world.handle(world.deliver({ subject: requestSubject('Brand New Community Project') }));
    const lookAlike = world.deliver({ subject: requestSubject('Brand New Cоmmunity Project') });

    expect((await world.handle(lookAlike)).outcome).toBe('needs-identifying');
    expect(world.effects.folders).toHaveLength(1);
  });

  it('opens an application without a target cycle when the calendar has none, saying reviews are paused', async () => {
    const world = new InboundWorld({ reviewsPausedMessage: 'Reviews are paused while the standard is updated.' });
    world.deps.calendar = async () => [];
    const email = world.deliver({ subject: requestSubject(northshire) });

    expect((await world.handle(email)).outcome).toBe('provisioned');
    expect(world.effects.applications[0]?.targetCycleId).toBeUndefined();
    expect(world.effects.sent[0]?.message.text).toContain('Reviews are paused');
  });

  it('puts an email off for a minute when the sending rate is full', async () => {
    const world = new InboundWorld();
    world.sendResult = { kind: 'later', reason: 'send-rate-busy', detail: 'full' };
    const email = world.deliver({ subject: requestSubject('Castle Medical Centre') });

    expect(await world.attempt(email)).toMatchObject({ kind: 'later', reason: 'send-rate-busy', delaySeconds: 60 });
  });

  it('still records a failed email when telling staff fails too', async () => {
    const world = new InboundWorld();
    world.failing = { name: 'evidence.provision', error: new Error('library gone') };
    world.deps.staff.post = async () => {
      throw new Error('Teams down');
    };
    world.deps.claims.markFailed = async () => {
      throw new Error('table down');
    };
    const email = world.deliver({ subject: requestSubject(northshire) });

    await expect(world.handle(email, { final: true })).rejects.toThrow('library gone');
    expectOutcome(world, email, 'failed');
  });
});
