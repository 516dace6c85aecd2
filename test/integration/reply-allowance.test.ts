import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStorageFaultProxy } from '../../chaos/storage-fault-proxy.js';
import type { StorageFaultProxy } from '../../chaos/storage-fault-proxy.js';
import { startAzurite } from '../../dev/storage-emulator.js';
import { ReplyAllowance } from '../../src/storage/reply-allowance.js';
import { tableNames, Tables } from '../../src/storage/tables.js';

const limits = { perAddress: 3, addressWindowMs: 24 * 3_600_000, perDomain: 100, domainWindowMs: 3_600_000 };
const subject = 'Work Experience Quality Standard – Northshire Hospitals';
const at = new Date('2026-12-07T09:00:00Z');

/** The reply limits on Azurite, reached through the chaos campaign's fault proxy. */
describe('ReplyAllowance counts each email once', () => {
  let proxy: StorageFaultProxy;
  let tables: Tables;
  beforeAll(async () => {
    proxy = await startStorageFaultProxy(await startAzurite());
    tables = new Tables({ connectionString: proxy.connectionString });
  }, 60_000);
  afterAll(async () => proxy?.stop());

  it('when storage carried out a counter write but its answer was lost (500 after the write, retried by the SDK)', async () => {
    const allowance = new ReplyAllowance(tables, limits);
    await tables.client(tableNames.replyLimits);
    proxy.start({ writeRate: 1, latencyRate: 0, latencyMs: 0, seed: 1, only: '500 after write', times: 1 });
    const first = await allowance.decide('email-1', 'jo.bloggs@northshire.nhs.example', subject, at);
    expect(proxy.stopFaults().byKind['500 after write']).toBe(1);
    expect(first).toEqual({ allowed: true, firstContact: true });
    // The same request again from the same address is a repeat: held back, as before.
    expect(await allowance.decide('email-2', 'jo.bloggs@northshire.nhs.example', subject, at)).toMatchObject({ allowed: false, kind: 'repeat' });
  }, 60_000);

  it('when a worker crashed between counting and recording its decision', async () => {
    const allowance = new ReplyAllowance(tables, limits);
    const address = 'sam.patel@southshire.nhs.example';
    expect(await allowance.decide('email-3', address, subject, at)).toEqual({ allowed: true, firstContact: true });
    // The crash: the decision was never recorded; the email is handled again.
    await (await tables.client(tableNames.replyLimits)).deleteEntity('decision', 'email-3');
    expect(await allowance.decide('email-3', address, subject, at)).toEqual({ allowed: true, firstContact: true });
  }, 60_000);
});
