import type { InboundOutcome } from '../domain/inbound-outcome.js';

/** One inbound email's entry in the ledger: its single recorded outcome, once it has one. */
export interface InboundRecord {
  key: string;
  messageId: string;
  receivedAt?: string;
  fromAddress?: string;
  subject?: string;
  state: 'processing' | 'done';
  outcome?: InboundOutcome;
  detail?: string;
  organisationKey?: string;
  reference?: string;
  attempts: number;
  correlationId: string;
  updatedAt: string;
  etag: string;
}

export type BeginResult =
  | { kind: 'acquired'; record: InboundRecord }
  /** Handled already: a repeated notification or a sweep finding it again. */
  | { kind: 'done'; record: InboundRecord }
  /** Another worker is processing the same email right now. */
  | { kind: 'busy'; record: InboundRecord };

export interface EmailFacts {
  messageId: string;
  receivedAt?: string;
  fromAddress?: string;
  subject?: string;
  correlationId: string;
}

export interface OutcomeDetails {
  detail?: string;
  organisationKey?: string;
  reference?: string;
}

/**
 * Every inbound email ends in exactly one recorded outcome; a lease on its entry keeps two
 * workers off the same email (notifications repeat, and the sweep finds emails too).
 */
export interface InboundLedgerPort {
  /** The ledger key of an email: stable across moves and retries (its internetMessageId, digested). */
  keyFor(internetMessageId: string): string;
  begin(key: string, facts: EmailFacts, owner: string, now: Date): Promise<BeginResult>;
  finish(record: InboundRecord, outcome: InboundOutcome, details: OutcomeDetails, now: Date): Promise<void>;
  /** Lets a retry start at once after an expected interruption instead of waiting for the lease. */
  release(record: InboundRecord, detail: string, now: Date): Promise<void>;
  get(key: string): Promise<InboundRecord | undefined>;
}
