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
  /** The emails counted, as short digests in counting order (JSON); counters written before it had none. */
  emails?: string;
}

/** An email's mark in a counter: short, as a counter holds up to its limit of them (at most 100 000). */
const markOf = (emailKey: string): string => keyDigest(emailKey).slice(0, 16);

function countedEmails(entity: CounterEntity | undefined): string[] {
  if (!entity?.emails) return [];
  const parsed: unknown = JSON.parse(entity.emails);
  return Array.isArray(parsed) ? parsed.filter((mark): mark is string => typeof mark === 'string') : [];
}

interface DecisionEntity {
  partitionKey: string;
  rowKey: string;
  decision: string;
}

/**
 * The reply limits, shared by every worker through Azure Tables. Each email's decision is
 * recorded once, so a retried email gets the same answer. Each counter also keeps which emails it
 * counted, so an email is never counted twice: not when a worker crashes between counting and
 * recording, nor when storage carried out a write whose answer was lost (a 500 or a dropped
 * connection after the write, which the SDK retries and which then fails its etag).
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
    const decision = await this.count(emailKey, replyCounters(address, subject, at, this.limits));
    try {
      await table.createEntity<DecisionEntity>({ partitionKey: 'decision', rowKey: emailKey, decision: JSON.stringify(decision) });
      return decision;
    } catch (error) {
      if (!isStorageError(error, 409)) throw error;
      // Another worker decided this email first: its answer stands.
      return revive((await table.getEntity<DecisionEntity>('decision', emailKey)).decision);
    }
  }

  private async count(emailKey: string, counters: readonly LimitCounter[]): Promise<ReplyAllowanceDecision> {
    let firstContact = false;
    for (const counter of counters) {
      const before = await this.increment(counter, markOf(emailKey));
      if (before === undefined) return { allowed: false, kind: counter.kind, subject: counter.subject, windowStart: counter.windowStart, windowEnd: counter.windowEnd, limit: counter.limit };
      if (counter.kind === 'address') firstContact = before === 0;
    }
    return { allowed: true, firstContact };
  }

  /**
   * Adds the email to the counter unless it is at its limit; the count before the email, or
   * undefined when full. An email the counter already holds keeps its place.
   */
  private async increment(counter: LimitCounter, mark: string): Promise<number | undefined> {
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
      const counted = current?.count ?? 0;
      const emails = countedEmails(current);
      // Counted before, by this attempt's lost write or an earlier attempt at the same email.
      const place = emails.indexOf(mark);
      if (place >= 0) return done(counted - emails.length + place);
      if (counted >= counter.limit) return done(undefined);
      const next = { partitionKey, rowKey, count: counted + 1, emails: JSON.stringify([...emails, mark]) };
      try {
        if (current) await table.updateEntity(next, 'Replace', { etag: current.etag });
        else await table.createEntity<CounterEntity>(next);
        return done(counted);
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
