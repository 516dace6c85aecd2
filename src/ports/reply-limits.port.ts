import type { LimitKind } from '../domain/reply-limits.js';

export type ReplyAllowanceDecision =
  | { allowed: true; /** No reply went to this address in its window yet: it goes first. */ firstContact: boolean }
  | { allowed: false; kind: LimitKind; subject: string; windowStart: Date; windowEnd: Date; limit: number };

/** Reply limits per address, domain and repeated request: one decision per email, kept for its retries. */
export interface ReplyLimitsPort {
  decide(emailKey: string, address: string, subject: string, at: Date): Promise<ReplyAllowanceDecision>;
}
