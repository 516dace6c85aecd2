import { randomUUID } from 'node:crypto';
import { z } from 'zod';

/**
 * A fault rule: requests whose method and path match get an error status, extra latency, or no
 * answer at all, for a number of times or with a (seeded) probability.
 */
export const faultRuleSchema = z
  .object({
    method: z.string().toUpperCase().optional(),
    /** Glob on the URL path (`*` within a segment, `**` across segments), or a regular expression starting with `^`. */
    path: z.string().min(1),
    status: z.number().int().min(400).max(599).optional(),
    code: z.string().optional(),
    retryAfterSeconds: z.number().min(0).optional(),
    latencyMs: z.number().int().min(0).optional(),
    /** Never answer: the connection is dropped after `hangMs` (default 60 s). */
    hang: z.boolean().optional(),
    hangMs: z.number().int().min(0).optional(),
    /** Carry the request out first, then fail or hang: the caller cannot tell it happened. */
    afterApply: z.boolean().optional(),
    /** true: only steps inside a `$batch`; false: only requests sent on their own; unset: both. */
    inBatch: z.boolean().optional(),
    times: z.number().int().positive().optional(),
    probability: z.number().min(0).max(1).optional(),
    seed: z.number().int().optional(),
  })
  .refine((rule) => rule.status !== undefined || rule.latencyMs !== undefined || rule.hang === true, {
    message: 'a fault rule needs a status, a latencyMs or hang: true',
  });

export type FaultRuleInput = z.input<typeof faultRuleSchema>;
type FaultRule = z.infer<typeof faultRuleSchema>;

interface ActiveRule {
  id: string;
  rule: FaultRule;
  pattern: RegExp;
  remaining: number;
  random: () => number;
  hits: number;
}

export interface FaultDecision {
  latencyMs: number;
  failure?: { status: number; code: string; retryAfterSeconds?: number; hang: boolean; hangMs: number; afterApply: boolean };
}

const defaultCodes: Record<number, string> = { 429: 'TooManyRequests', 503: 'serviceNotAvailable', 504: 'GatewayTimeout', 500: 'generalException' };

/** mulberry32: small, seeded, good enough to make probabilistic faults repeatable. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function globToRegExp(glob: string): RegExp {
  if (glob.startsWith('^')) return new RegExp(glob, 'i');
  const escaped = glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  const pattern = escaped
    .split('**')
    .map((part) => part.replace(/\*/g, '[^/]*'))
    .join('.*');
  return new RegExp(`^${pattern}$`, 'i');
}

export class FaultInjector {
  private rules: ActiveRule[] = [];

  add(input: unknown): string[] {
    const list = Array.isArray(input) ? input : [input];
    return list.map((entry) => {
      const rule = faultRuleSchema.parse(entry);
      const active: ActiveRule = {
        id: randomUUID(),
        rule,
        pattern: globToRegExp(rule.path),
        remaining: rule.times ?? Number.POSITIVE_INFINITY,
        random: seededRandom(rule.seed ?? 1),
        hits: 0,
      };
      this.rules.push(active);
      return active.id;
    });
  }

  clear(): void {
    this.rules = [];
  }

  list(): { id: string; rule: FaultRule; remaining: number; hits: number }[] {
    return this.rules.map(({ id, rule, remaining, hits }) => ({ id, rule, remaining, hits }));
  }

  /** Latency from every matching latency rule adds up; the first matching failure rule wins. */
  decide(method: string, path: string, inBatch = false): FaultDecision {
    const decision: FaultDecision = { latencyMs: 0 };
    for (const active of this.rules) {
      const { rule } = active;
      if (active.remaining <= 0) continue;
      if (rule.method !== undefined && rule.method !== method) continue;
      if (rule.inBatch !== undefined && rule.inBatch !== inBatch) continue;
      if (!active.pattern.test(path)) continue;
      if (rule.probability !== undefined && active.random() >= rule.probability) continue;
      const isFailure = rule.status !== undefined || rule.hang === true;
      if (isFailure && decision.failure) continue;
      active.remaining -= 1;
      active.hits += 1;
      decision.latencyMs += rule.latencyMs ?? 0;
      if (isFailure) {
        const status = rule.status ?? 504;
        decision.failure = {
          status,
          code: rule.code ?? defaultCodes[status] ?? 'generalException',
          ...(rule.retryAfterSeconds !== undefined ? { retryAfterSeconds: rule.retryAfterSeconds } : status === 429 ? { retryAfterSeconds: 1 } : {}),
          hang: rule.hang === true,
          hangMs: rule.hangMs ?? 60_000,
          afterApply: rule.afterApply === true,
        };
      }
    }
    // Spent rules stay listed (with their hits) until cleared, so tests can see they fired.
    return decision;
  }
}
