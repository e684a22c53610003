import type { SecretRange } from "./secret-range.js";

/** How many secrets each rule replaced; one entry per replaced value. */
export class RedactionTally {
  private readonly counts = new Map<string, number>();

  /** Counts every range by its rule. */
  addRanges(ranges: readonly SecretRange[]): void {
    for (const r of ranges) this.add(r.rule, 1);
  }

  /** Adds `n` to `rule`. */
  add(rule: string, n: number): void {
    if (n > 0) this.counts.set(rule, (this.counts.get(rule) ?? 0) + n);
  }

  /** Adds every count of `other`. */
  merge(other: RedactionTally): void {
    for (const [rule, n] of other.entries()) this.add(rule, n);
  }

  /** Total of all rules. */
  get total(): number {
    let t = 0;
    for (const n of this.counts.values()) t += n;
    return t;
  }

  /** [rule, count] pairs, sorted by rule. */
  entries(): Array<[string, number]> {
    return [...this.counts.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }
}

const marker = /\[REDACTED:([A-Za-z0-9_.-]{1,64})\]/g;

/** Counts the markers already in `text` (what a client redacted before sending). */
export function countMarkers(text: string, tally: RedactionTally): void {
  if (!text.includes("[REDACTED:")) return;
  marker.lastIndex = 0;
  for (let m = marker.exec(text); m !== null; m = marker.exec(text)) tally.add(m[1], 1);
}
