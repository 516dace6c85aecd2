import { randomUUID } from 'node:crypto';
import type { TableEntityResult } from '@azure/data-tables';
import { isStorageError, keyDigest, tableNames } from './tables.js';
import type { Tables } from './tables.js';

/** An email weqs means to send once: a reply to one request, one reminder, one decision. */
export interface SendIntent {
  /** Unique per intent, e.g. `reply:{message key}` or `reminder:{reference}:{cycle}:28`. */
  key: string;
  /** Marks the message (an extended property), so its Sent Items copy can be recognised after a crash. */
  token: string;
  /** prepared: written, not yet handed to Graph; sending: handed to Graph, outcome not yet recorded. */
  state: 'prepared' | 'sending' | 'sent';
  startedAt: string;
  sentAt?: string;
  /** The moment the message's content was written for (a job's as-of time): what its dates mean. */
  asOf?: string;
  /** The draft the last attempt saved in Drafts: a later attempt discards it if it is still a draft. */
  draftId?: string;
  /** Which hand-over wrote "sending", so a write whose answer storage lost is recognised as its own. */
  attempt?: string;
  etag: string;
}

interface IntentEntity {
  partitionKey: string;
  rowKey: string;
  intent: string;
  token: string;
  state: SendIntent['state'];
  startedAt: string;
  sentAt?: string;
  asOf?: string;
  draftId?: string;
  attempt?: string;
}

function toIntent(entity: TableEntityResult<IntentEntity>): SendIntent {
  return {
    key: entity.intent,
    token: entity.token,
    state: entity.state,
    startedAt: entity.startedAt,
    ...(entity.sentAt ? { sentAt: entity.sentAt } : {}),
    ...(entity.asOf ? { asOf: entity.asOf } : {}),
    ...(entity.draftId ? { draftId: entity.draftId } : {}),
    ...(entity.attempt ? { attempt: entity.attempt } : {}),
    etag: entity.etag,
  };
}

/** The ledger of outgoing email: prepared, then sending (just before Graph is called), then sent. */
export class SentMailLedger {
  constructor(private readonly tables: Tables) {}

  private keys(intent: string): { partitionKey: string; rowKey: string } {
    const digest = keyDigest(intent);
    return { partitionKey: digest.slice(0, 2), rowKey: digest };
  }

  async get(intent: string): Promise<SendIntent | undefined> {
    const table = await this.tables.client(tableNames.sentMail);
    const { partitionKey, rowKey } = this.keys(intent);
    try {
      return toIntent(await table.getEntity<IntentEntity>(partitionKey, rowKey));
    } catch (error) {
      if (isStorageError(error, 404)) return undefined;
      throw error;
    }
  }

  /** Records the intent to send; returns the existing record when there already is one. */
  async begin(intent: string, token: string, now: Date): Promise<{ created: boolean; record: SendIntent }> {
    const table = await this.tables.client(tableNames.sentMail);
    const entity: IntentEntity = { ...this.keys(intent), intent, token, state: 'prepared', startedAt: now.toISOString() };
    try {
      const created = await table.createEntity(entity);
      return { created: true, record: toIntent({ ...entity, etag: created.etag ?? '' }) };
    } catch (error) {
      if (!isStorageError(error, 409)) throw error;
      return { created: false, record: (await this.get(intent)) as SendIntent };
    }
  }

  /**
   * The draft an attempt just saved, so that a later attempt (after a crash or a refused send) can
   * discard it instead of leaving it in Drafts. Conditional, like `markSending`.
   */
  async recordDraft(record: SendIntent, draftId: string): Promise<SendIntent> {
    const table = await this.tables.client(tableNames.sentMail);
    const response = await table.updateEntity({ ...this.keys(record.key), draftId }, 'Merge', { etag: record.etag });
    return { ...record, draftId, etag: response.etag ?? record.etag };
  }

  /**
   * A later attempt takes the intent over before it clears what earlier attempts left: the write is
   * conditional, so of this attempt and a concurrent one still under way, only one goes on (the
   * other's next conditional write fails with 412).
   */
  async takeOver(record: SendIntent): Promise<SendIntent> {
    const table = await this.tables.client(tableNames.sentMail);
    const response = await table.updateEntity({ ...this.keys(record.key), draftId: '' }, 'Merge', { etag: record.etag });
    const { draftId: _previous, ...rest } = record;
    return { ...rest, etag: response.etag ?? record.etag };
  }

  /** Recorded immediately before the message is handed to Graph; only from here is the outcome uncertain. */
  async markSending(record: SendIntent, now: Date, asOf: Date): Promise<SendIntent> {
    const table = await this.tables.client(tableNames.sentMail);
    const changes = { state: 'sending' as const, startedAt: now.toISOString(), asOf: asOf.toISOString(), attempt: randomUUID() };
    try {
      const response = await table.updateEntity({ ...this.keys(record.key), ...changes }, 'Merge', { etag: record.etag });
      return { ...record, ...changes, etag: response.etag ?? record.etag };
    } catch (error) {
      if (!isStorageError(error, 412)) throw error;
      // Storage may have carried out this very write and lost its answer (a 500 or a dropped
      // connection after it): the SDK's retry then fails the etag. Only another worker's write is a conflict.
      const current = await this.get(record.key);
      if (current?.state === 'sending' && current.attempt === changes.attempt) return current;
      throw error;
    }
  }

  /**
   * Runs a side effect that has no copy to look for afterwards (a Teams card): skipped once
   * recorded. A crash between the action and the record repeats it, so it is at least once.
   */
  async once(intent: string, action: () => Promise<void>, now: Date): Promise<void> {
    if ((await this.get(intent))?.state === 'sent') return;
    await action();
    const { record } = await this.begin(intent, 'none', now);
    await this.markSent(record, now);
  }

  /**
   * Like `once`, for a side effect many emails may ask for at the same moment (one card for a
   * burst): the email that records the intent first does it, the others skip it. The recording
   * email's retry (same claimant) finishes it after a crash; an effect whose claimant never comes
   * back is lost rather than repeated, which suits an alert about a flood.
   */
  async onceAmong(intent: string, claimant: string, action: () => Promise<void>, now: Date): Promise<void> {
    const { created, record } = await this.begin(intent, claimant, now);
    if (record.state === 'sent' || (!created && record.token !== claimant)) return;
    await action();
    await this.markSent(record, now);
  }

  /** Graph refused the message outright, so it was not sent: the next attempt may send at once. */
  async markRefused(record: SendIntent): Promise<void> {
    const table = await this.tables.client(tableNames.sentMail);
    await table.updateEntity({ ...this.keys(record.key), state: 'prepared' }, 'Merge');
  }

  async markSent(record: SendIntent, now: Date): Promise<void> {
    const table = await this.tables.client(tableNames.sentMail);
    await table.updateEntity({ ...this.keys(record.key), state: 'sent', sentAt: now.toISOString() }, 'Merge');
  }
}
