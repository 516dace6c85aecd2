/**
 * Who became whom: the graph of ODS successions as of one day. A renamed or merged organisation's
 * code leads to the current organisations that took it over, and a current organisation's code
 * back to every one it succeeded, so applications made under an old code are still found.
 */
import type { OrganisationRecord, Succession } from './organisation-record.js';

export class SuccessionGraph {
  private readonly successors = new Map<string, Succession[]>();
  private readonly predecessors = new Map<string, string[]>();
  private readonly targetCache = new Map<string, string[]>();

  /**
   * `successions` must carry normalised codes; those effective after `asOf` (YYYY-MM-DD) are not
   * followed yet.
   */
  constructor(
    private readonly records: ReadonlyMap<string, OrganisationRecord>,
    successions: readonly Succession[],
    private readonly asOf: string,
  ) {
    for (const succession of successions) {
      if (succession.effectiveDate > asOf) continue;
      pushTo(this.successors, succession.predecessorCode, succession);
      pushTo(this.predecessors, succession.successorCode, succession.predecessorCode);
    }
  }

  /** Open on `asOf`: not closed, or closing that day or later. */
  isCurrent(record: OrganisationRecord): boolean {
    return record.closeDate === undefined || record.closeDate >= this.asOf;
  }

  /** Codes of the current organisations a code stands for: itself, its successors, or none. */
  currentCodesFor(code: string): string[] {
    const cached = this.targetCache.get(code);
    if (cached !== undefined) return cached;
    const found = new Set<string>();
    const visited = new Set<string>();
    const walk = (current: string): void => {
      if (visited.has(current)) return;
      visited.add(current);
      const record = this.records.get(current);
      if (record !== undefined && this.isCurrent(record)) {
        found.add(current);
        return;
      }
      for (const succession of this.successors.get(current) ?? []) walk(succession.successorCode);
    };
    walk(code);
    const result = [...found].sort();
    this.targetCache.set(code, result);
    return result;
  }

  /** Every code this organisation succeeded, directly or through others. */
  predecessorsOf(code: string): string[] {
    const found = new Set<string>();
    const pending = [...(this.predecessors.get(code) ?? [])];
    for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
      if (found.has(next) || next === code) continue;
      found.add(next);
      pending.push(...(this.predecessors.get(next) ?? []));
    }
    return [...found].sort();
  }
}

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}
