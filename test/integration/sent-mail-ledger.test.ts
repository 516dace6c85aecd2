import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStorageFaultProxy } from '../../chaos/storage-fault-proxy.js';
import type { StorageFaultProxy } from '../../chaos/storage-fault-proxy.js';
import { startAzurite } from '../../dev/storage-emulator.js';
import { SentMailLedger } from '../../src/storage/sent-mail-ledger.js';
import { tableNames, Tables } from '../../src/storage/tables.js';

/** The send ledger on Azurite, reached through the chaos campaign's fault proxy. */
describe('SentMailLedger under storage faults', () => {
  let proxy: StorageFaultProxy;
  let tables: Tables;
  beforeAll(async () => {
    proxy = await startStorageFaultProxy(await startAzurite());
    tables = new Tables({ connectionString: proxy.connectionString });
    await tables.client(tableNames.sentMail);
  }, 60_000);
  afterAll(async () => proxy?.stop());

  it('takes a "sending" write whose answer was lost as its own, not as another worker sending the same email', async () => {
    const ledger = new SentMailLedger(tables);
    const now = new Date('2026-12-07T09:00:00Z');
    const { record } = await ledger.begin('reply:lost-answer', 'token-1', now);
    proxy.start({ writeRate: 1, latencyRate: 0, latencyMs: 0, seed: 1, only: '500 after write', times: 1 });
    const sending = await ledger.markSending(record, now, now);
    expect(proxy.stopFaults().byKind['500 after write']).toBe(1);
    expect(sending.state).toBe('sending');
    expect((await ledger.get('reply:lost-answer'))?.state).toBe('sending');
  }, 60_000);

  it('still refuses a "sending" write when another worker wrote first', async () => {
    const ledger = new SentMailLedger(tables);
    const now = new Date('2026-12-07T09:00:00Z');
    const { record } = await ledger.begin('reply:two-workers', 'token-2', now);
    await ledger.markSending(record, now, now);
    await expect(ledger.markSending(record, now, now)).rejects.toMatchObject({ statusCode: 412 });
  }, 60_000);
});
