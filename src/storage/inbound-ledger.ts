import type { TableEntityResult } from '@azure/data-tables';
import type { InboundOutcome } from '../domain/inbound-outcome.js';
import type { BeginResult, EmailFacts, InboundLedgerPort, InboundRecord, OutcomeDetails } from '../ports/inbound-ledger.port.js';
import { isStorageError, keyDigest, tableNames } from './tables.js';
import type { Tables } from './tables.js';

interface InboundEntity {
  partitionKey: string;
  rowKey: string;
  messageId: string;
  receivedAt?: string;
  fromAddress?: string;
  subject?: string;
  state: InboundRecord['state'];
  outcome?: InboundOutcome | '';
  detail?: string;
  organisationKey?: string;
  reference?: string;
  attempts: number;
  correlationId: string;
  leaseOwner?: string;
  leaseUntil?: string;
  updatedAt: string;
}

export type { BeginResult, EmailFacts, InboundRecord };

const partitionOf = (key: string): string => key.slice(0, 2);

function toRecord(entity: TableEntityResult<InboundEntity>): InboundRecord {
  const { partitionKey: _p, rowKey, leaseOwner: _o, leaseUntil: _u, etag, timestamp: _t, outcome, ...rest } = entity;
  return { ...rest, ...(outcome ? { outcome } : {}), key: rowKey, etag };
}

/**
 * The ledger of inbound emails: every email ends in exactly one recorded outcome, and a lease on
 * the record keeps two workers from handling the same email at once (notifications repeat, and
 * the sweep may find an email the webhook already queued).
 */
export class InboundLedger implements InboundLedgerPort {
  constructor(
    private readonly tables: Tables,
    private readonly leaseMs: number,
  ) {}

  /** Stable across moves and retries: Graph's internetMessageId (trap 7 of the facts file). */
  static keyFor(internetMessageId: string): string {
    return keyDigest(internetMessageId);
  }

  keyFor(internetMessageId: string): string {
    return InboundLedger.keyFor(internetMessageId);
  }

  async begin(key: string, facts: EmailFacts, owner: string, now: Date): Promise<BeginResult> {
    const table = await this.tables.client(tableNames.inbound);
    const leaseUntil = new Date(now.getTime() + this.leaseMs).toISOString();
    const fresh: InboundEntity = {
      partitionKey: partitionOf(key),
      rowKey: key,
      ...facts,
      state: 'processing',
      attempts: 1,
      leaseOwner: owner,
      leaseUntil,
      updatedAt: now.toISOString(),
    };
    try {
      const created = await table.createEntity(fresh);
      return { kind: 'acquired', record: { ...toRecord({ ...fresh, etag: created.etag ?? '' }) } };
    } catch (error) {
      if (!isStorageError(error, 409)) throw error;
    }
    const existing = await table.getEntity<InboundEntity>(partitionOf(key), key);
    if (existing.state === 'done') return { kind: 'done', record: toRecord(existing) };
    if (existing.leaseOwner !== owner && existing.leaseUntil && existing.leaseUntil > now.toISOString()) return { kind: 'busy', record: toRecord(existing) };
    try {
      const updated = await table.updateEntity(
        { partitionKey: partitionOf(key), rowKey: key, leaseOwner: owner, leaseUntil, attempts: existing.attempts + 1, updatedAt: now.toISOString() },
        'Merge',
        { etag: existing.etag },
      );
      return { kind: 'acquired', record: { ...toRecord(existing), attempts: existing.attempts + 1, etag: updated.etag ?? existing.etag } };
    } catch (error) {
      if (isStorageError(error, 412)) return { kind: 'busy', record: toRecord(existing) };
      throw error;
    }
  }

  async finish(record: InboundRecord, outcome: InboundOutcome, details: OutcomeDetails, now: Date): Promise<void> {
    const table = await this.tables.client(tableNames.inbound);
    await table.updateEntity(
      {
        partitionKey: partitionOf(record.key),
        rowKey: record.key,
        state: 'done',
        outcome,
        ...details,
        leaseOwner: '',
        leaseUntil: '',
        updatedAt: now.toISOString(),
      },
      'Merge',
    );
  }

  /** Lets a retry start at once after an expected failure instead of waiting for the lease. */
  async release(record: InboundRecord, detail: string, now: Date): Promise<void> {
    const table = await this.tables.client(tableNames.inbound);
    await table.updateEntity({ partitionKey: partitionOf(record.key), rowKey: record.key, leaseOwner: '', leaseUntil: '', detail, updatedAt: now.toISOString() }, 'Merge');
  }

  /** Makes a failed email processable again (replay), keeping its history in `attempts`. */
  async reopen(record: InboundRecord, now: Date): Promise<void> {
    const table = await this.tables.client(tableNames.inbound);
    await table.updateEntity({ partitionKey: partitionOf(record.key), rowKey: record.key, state: 'processing', outcome: '', leaseOwner: '', leaseUntil: '', detail: 'replayed', updatedAt: now.toISOString() }, 'Merge');
  }

  async get(key: string): Promise<InboundRecord | undefined> {
    const table = await this.tables.client(tableNames.inbound);
    try {
      return toRecord(await table.getEntity<InboundEntity>(partitionOf(key), key));
    } catch (error) {
      if (isStorageError(error, 404)) return undefined;
      throw error;
    }
  }

  async all(): Promise<InboundRecord[]> {
    const table = await this.tables.client(tableNames.inbound);
    const records: InboundRecord[] = [];
    for await (const entity of table.listEntities<InboundEntity>()) records.push(toRecord(entity));
    return records;
  }
}
