/**
 * How many replies weqs sends to one address, one sending domain and one repeated request within
 * a window, so that nobody can use weqs to fill a third party's mailbox: a forged or scripted
 * flood of requests "from" someone gets at most a few replies, and staff are told once.
 *
 * Windows are fixed (aligned to the epoch), so an address can receive at most twice its limit
 * across a window boundary; the limits are set with that in mind.
 */

export interface ReplyLimits {
  /** Replies to one address per address window. */
  perAddress: number;
  addressWindowMs: number;
  /** Replies to all addresses of one domain per domain window. */
  perDomain: number;
  domainWindowMs: number;
}

export type LimitKind = 'repeat' | 'address' | 'domain';

export interface LimitCounter {
  kind: LimitKind;
  /** What is counted: an address, a domain, or an address with a request. */
  subject: string;
  windowStart: Date;
  windowEnd: Date;
  limit: number;
}

/** The part after the last "@", lower-cased. */
export function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1).trim().toLowerCase();
}

/** A subject without reply and forward prefixes, case and spacing, so that repeats compare equal. */
export function requestFingerprint(subject: string): string {
  return subject
    .normalize('NFKC')
    .toLowerCase()
    .replace(/^(?:\s*(?:re|fw|fwd|aw|wg|sv|vs|tr)\s*(?:\[\d+\])?\s*:\s*)+/u, '')
    .replace(/\s+/gu, ' ')
    .trim();
}

function window(at: Date, lengthMs: number): { windowStart: Date; windowEnd: Date } {
  const start = Math.floor(at.getTime() / lengthMs) * lengthMs;
  return { windowStart: new Date(start), windowEnd: new Date(start + lengthMs) };
}

/**
 * The counters one reply counts against, in the order they are checked: the same request from
 * the same address is answered once per address window; then the address; then its domain.
 */
export function replyCounters(address: string, subject: string, at: Date, limits: ReplyLimits): LimitCounter[] {
  const lower = address.trim().toLowerCase();
  return [
    { kind: 'repeat', subject: `${lower}\n${requestFingerprint(subject)}`, limit: 1, ...window(at, limits.addressWindowMs) },
    { kind: 'address', subject: lower, limit: limits.perAddress, ...window(at, limits.addressWindowMs) },
    { kind: 'domain', subject: domainOf(lower), limit: limits.perDomain, ...window(at, limits.domainWindowMs) },
  ];
}
