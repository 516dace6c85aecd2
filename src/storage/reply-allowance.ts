import { replyCounters } from '../domain/reply-limits.js';
import type { LimitCounter, ReplyLimits } from '../domain/reply-limits.js';
import type { ReplyAllowanceDecision, ReplyLimitsPort } from '../ports/reply-limits.port.js';
import { done, retry, tryAgain } from '../resilience/retry.js';
import type { AttemptOutcome } from '../resilience/retry.js';
import { isStorageError, keyDigest, tableNames } from './tables.js';
import type { Tables } from './tables.js';

export type { ReplyAllowanceDecision };

interface CounterEntity {
  partitionKey: string;
  rowKey: string;
  count: number;
}

interface DecisionEntity {
  partitionKey: string;
  rowKey: string;
  decision: string;
}

/**
 * The reply limits, shared by every worker through Azure Tables. Each email's decision is
 * recorded once, so a retried email gets the same answer and is not counted twice. A crash
 * between counting and recording can count an email twice: weqs then sends fewer replies, never
 * more.
 */
export class ReplyAllowance implements ReplyLimitsPort {
  constructor(
    private readonly tables: Tables,
    private readonly limits: ReplyLimits,
  ) {}

  async decide(emailKey: string, address: string, subject: string, at: Date): Promise<ReplyAllowanceDecision> {
    const table = await this.tables.client(tableNames.replyLimits);
    try {
      const recorded = await table.getEntity<DecisionEntity>('decision', emailKey);
      return revive(recorded.decision);
    } catch (error) {
      if (!isStorageError(error, 404)) throw error;
    }
    const decision = await this.count(replyCounters(address, subject, at, this.limits));
    try {
      await table.createEntity<DecisionEntity>({ partitionKey: 'decision', rowKey: emailKey, decision: JSON.stringify(decision) });
      return decision;
    } catch (error) {
      if (!isStorageError(error, 409)) throw error;
      // Another worker decided this email first: its answer stands.
      return revive((await table.getEntity<DecisionEntity>('decision', emailKey)).decision);
    }
  }

  private async count(counters: readonly LimitCounter[]): Promise<ReplyAllowanceDecision> {
    let firstContact = false;
    for (const counter of counters) {
      const before = await this.increment(counter);
      if (before === undefined) return { allowed: false, kind: counter.kind, subject: counter.subject, windowStart: counter.windowStart, windowEnd: counter.windowEnd, limit: counter.limit };
      if (counter.kind === 'address') firstContact = before === 0;
    }
    return { allowed: true, firstContact };
  }

  /** Adds one to the counter unless it is at its limit; the count before, or undefined when full. */
  private async increment(counter: LimitCounter): Promise<number | undefined> {
    const table = await this.tables.client(tableNames.replyLimits);
    const partitionKey = `${counter.kind}-${counter.windowStart.getTime()}`;
    const rowKey = keyDigest(counter.subject);
    const count = async (): Promise<AttemptOutcome<number | undefined>> => {
      let current: (CounterEntity & { etag: string }) | undefined;
      try {
        current = await table.getEntity<CounterEntity>(partitionKey, rowKey);
      } catch (error) {
        if (!isStorageError(error, 404)) throw error;
      }
      const before = current?.count ?? 0;
      if (before >= counter.limit) return done(undefined);
      try {
        if (current) await table.updateEntity({ partitionKey, rowKey, count: before + 1 }, 'Replace', { etag: current.etag });
        else await table.createEntity<CounterEntity>({ partitionKey, rowKey, count: 1 });
        return done(before);
      } catch (error) {
        if (!isStorageError(error, 412) && !isStorageError(error, 409)) throw error;
        return tryAgain('another email counted first');
      }
    };
    return retry(count, {
      attempts: 50,
      backoffMs: (attempt) => Math.round(Math.random() * 20 * Math.min(attempt, 10)),
      // Too contended to count now: the email is handled again later, rather than held back wrongly.
      exhausted: () => new Error(`The reply counter for ${counter.kind} stayed contended; trying the email again later.`),
    });
  }
}

function revive(text: string): ReplyAllowanceDecision {
  const parsed = JSON.parse(text) as ReplyAllowanceDecision & { windowStart?: string; windowEnd?: string };
  return parsed.allowed ? parsed : { ...parsed, windowStart: new Date(parsed.windowStart as unknown as string), windowEnd: new Date(parsed.windowEnd as unknown as string) };
}
