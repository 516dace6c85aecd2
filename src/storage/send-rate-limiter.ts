import { randomUUID } from 'node:crypto';
import { done, retry, RetriesExhausted, sleep, tryAgain } from '../resilience/retry.js';
import type { AttemptOutcome } from '../resilience/retry.js';
import { isStorageError, tableNames } from './tables.js';
import type { Tables } from './tables.js';

import type { SendPriority } from '../ports/outgoing-mail.port.js';

export type { SendPriority };

/**
 * No send could start within the wait allowed (the sending rate is full). Thrown to the outgoing
 * mail adapter only, which returns it to its callers as the `send-rate-busy` outcome.
 */
export class SendRateBusy extends Error {}

/** Held from just before a message is handed to Graph until Graph has answered. */
export interface SendPermit {
  release(): Promise<void>;
}


interface WindowEntity {
  partitionKey: string;
  rowKey: string;
  /** JSON of WindowState. */
  state: string;
}

interface WindowState {
  /** Sends handed to Graph and not yet answered: permit id → start (ms). */
  inFlight: Record<string, number>;
  /** Finished sends, counted per second of finishing (rounded up): second → count. */
  ended: Record<string, number>;
}

const WINDOW_MS = 60_000;

export interface SendRateOptions {
  /** How long a permit may stay unreleased before its holder is taken to have crashed. */
  permitLeaseMs?: number;
  /** The longest an `acquire` waits before giving up with SendRateBusy. */
  maxWaitMs?: number;
  /** Allowance for clocks of different instances disagreeing. */
  clockSkewMs?: number;
  clock?: () => number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** The most reads of the window one `acquire` makes, whatever the clock says. */
  maxAttempts?: number;
}

/**
 * One sending rate for the mailbox across every worker and instance, exact under concurrency.
 *
 * Exchange counts a message when it accepts it, which is some time after weqs decides to send (a
 * storage write, then a wait for one of the mailbox's four concurrent Graph requests). The
 * earlier schedule of slots 60 s / cap apart counted the decision, so sends that waited behind
 * the mailbox's request limit bunched up later and 31 landed in one minute against a cap of 25.
 * Now each send holds a permit from just before it is handed to Graph until Graph answers, and
 * a send may start only while fewer than `cap` sends are in flight or finished less than 60 s ago.
 * Whatever the delays, any 60-second window then holds at most `cap` accepted messages: the last
 * send to start in the window saw every earlier one (in flight, or finished after the window
 * began) and there were fewer than `cap` of them.
 *
 * Exchange Online allows 30 a minute per mailbox; the cap stays below that.
 * https://learn.microsoft.com/office365/servicedescriptions/exchange-online-service-description/exchange-online-limits
 */
export class SendRateLimiter {
  private readonly permitLeaseMs: number;
  private readonly maxWaitMs: number;
  private readonly clockSkewMs: number;
  private readonly clock: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly maxAttempts: number;
  /** Free places a normal send leaves for first contacts. */
  private readonly reserved: number;

  constructor(
    private readonly tables: Tables,
    private readonly mailbox: string,
    private readonly cap: number,
    options: SendRateOptions = {},
  ) {
    this.permitLeaseMs = options.permitLeaseMs ?? 5 * 60_000;
    this.maxWaitMs = options.maxWaitMs ?? 10 * 60_000;
    this.clockSkewMs = options.clockSkewMs ?? 1000;
    this.clock = options.clock ?? Date.now;
    this.sleep = options.sleep ?? sleep;
    this.maxAttempts = options.maxAttempts ?? 10_000;
    this.random = options.random ?? Math.random;
    this.reserved = cap >= 5 ? Math.max(1, Math.floor(cap / 10)) : 0;
  }

  /** Resolves when this caller may hand one message to Graph; release the permit once Graph answered. */
  async acquire(priority: SendPriority = 'normal'): Promise<SendPermit> {
    const table = await this.tables.client(tableNames.sendRate);
    const key = { partitionKey: 'window', rowKey: this.mailbox.toLowerCase() };
    const id = randomUUID();
    const giveUpAt = this.clock() + this.maxWaitMs;
    let conflicts = 0;
    const tryToStart = async (): Promise<AttemptOutcome<SendPermit>> => {
      const now = this.clock();
      let current: (WindowEntity & { etag: string }) | undefined;
      try {
        current = await table.getEntity<WindowEntity>(key.partitionKey, key.rowKey);
      } catch (error) {
        if (!isStorageError(error, 404)) throw error;
      }
      const state = this.prune(current ? parseState(current.state) : { inFlight: {}, ended: {} }, now);
      const counted = Object.keys(state.inFlight).length + Object.values(state.ended).reduce((sum, count) => sum + count, 0);
      const allowed = priority === 'first-contact' ? this.cap : this.cap - this.reserved;
      if (counted >= allowed) {
        // Spread the waiting senders out so they do not all read the window at the same moment.
        return tryAgain(`The sending rate for ${this.mailbox} is full for longer than ${this.maxWaitMs} ms.`, this.untilRoom(state, now) + Math.round(this.random() * 1000));
      }
      state.inFlight[id] = now;
      try {
        const entity = { ...key, state: JSON.stringify(state) };
        if (current) await table.updateEntity(entity, 'Replace', { etag: current.etag });
        else await table.createEntity(entity);
        return done({ release: () => this.release(id) });
      } catch (error) {
        if (!isStorageError(error, 412) && !isStorageError(error, 409)) throw error;
        // Another sender changed the window first: read it again after a short, random pause so
        // that many waiting senders do not retry in lock step.
        conflicts += 1;
        return tryAgain(`No send could start for ${this.mailbox} within ${this.maxWaitMs} ms (${conflicts} conflicting writes).`, Math.round(this.random() * Math.min(250, 10 * 2 ** Math.min(conflicts, 5))));
      }
    };
    return retry(tryToStart, {
      // Bounded by the wait allowed and, should the clock stall, by a count no honest wait reaches.
      attempts: this.maxAttempts,
      backoffMs: () => 0,
      maxDelayMs: WINDOW_MS + 1000,
      giveUpAt,
      clock: this.clock,
      sleep: this.sleep,
      exhausted: (reason) => new SendRateBusy(reason),
    });
  }

  private async release(id: string): Promise<void> {
    const table = await this.tables.client(tableNames.sendRate);
    const forget = async (): Promise<AttemptOutcome<undefined>> => {
      const current = await table.getEntity<WindowEntity>('window', this.mailbox.toLowerCase());
      const now = this.clock();
      const state = this.prune(parseState(current.state), now);
      if (!(id in state.inFlight)) return done(undefined);
      state.inFlight = Object.fromEntries(Object.entries(state.inFlight).filter(([other]) => other !== id));
      this.count(state, now);
      try {
        await table.updateEntity({ partitionKey: 'window', rowKey: this.mailbox.toLowerCase(), state: JSON.stringify(state) }, 'Replace', { etag: current.etag });
        return done(undefined);
      } catch (error) {
        if (!isStorageError(error, 412)) throw error;
        return tryAgain('another sender changed the window first');
      }
    };
    try {
      await retry(forget, { attempts: 20, backoffMs: (attempt) => Math.round(this.random() * 25 * Math.min(attempt, 4)), sleep: this.sleep });
    } catch (error) {
      if (!(error instanceof RetriesExhausted)) throw error;
    }
    // Left in flight, the permit lapses after its lease and is counted then: slower, never over.
  }

  /** Records a send that finished at `at`, in its second rounded up (and the clock allowance added). */
  private count(state: WindowState, at: number): void {
    const second = String(Math.ceil((at + this.clockSkewMs) / 1000));
    state.ended[second] = (state.ended[second] ?? 0) + 1;
  }

  /** Drops sends that finished more than a window ago; counts lapsed permits as finished at their lease's end. */
  private prune(state: WindowState, now: number): WindowState {
    const lapsed = Object.entries(state.inFlight).filter(([, start]) => start + this.permitLeaseMs <= now);
    state.inFlight = Object.fromEntries(Object.entries(state.inFlight).filter(([, start]) => start + this.permitLeaseMs > now));
    for (const [, start] of lapsed) this.count(state, start + this.permitLeaseMs);
    state.ended = Object.fromEntries(Object.entries(state.ended).filter(([second]) => Number(second) * 1000 + WINDOW_MS > now));
    return state;
  }

  /**
   * How long until a counted send drops out of the window. A send in flight frees no room when it
   * finishes (it is then counted for another 60 s), so only an ending or a lapsed lease can.
   */
  private untilRoom(state: WindowState, now: number): number {
    const endings = Object.keys(state.ended).map((second) => Number(second) * 1000 + WINDOW_MS);
    const lapses = Object.values(state.inFlight).map((start) => start + this.permitLeaseMs);
    return Math.max(50, Math.min(...endings, ...lapses, now + WINDOW_MS) - now);
  }
}

function parseState(text: string): WindowState {
  const parsed = JSON.parse(text) as Partial<WindowState>;
  return { inFlight: { ...(parsed.inFlight ?? {}) }, ended: { ...(parsed.ended ?? {}) } };
}
