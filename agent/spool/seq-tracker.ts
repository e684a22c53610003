import type { SeqRange } from "./segment-scan.js";

/** Seqs the journal lost, and why. */
export interface LostRange extends SeqRange {
  /** What recovery found, in words for a researcher reading the trace. */
  reason: string;
}

/** Said of lost seqs no damage found in this run explains. */
const unexplained = "the journal holds no record of it (a segment file is missing, or an earlier start already repaired the damage)";

/**
 * Follows the seqs of all valid records, oldest first, to find the ones missing, and
 * the damage recovery saw, to say why each is missing.
 */
export class SeqTracker {
  private first: bigint | undefined;
  private prev: bigint | undefined;
  private readonly holes: SeqRange[] = [];
  private readonly damage: LostRange[] = [];

  /** A valid record, in file order. */
  add(seq: bigint): void {
    this.first ??= seq;
    if (this.prev !== undefined && seq <= this.prev) return;
    if (this.prev !== undefined && seq > this.prev + 1n) this.holes.push({ from: this.prev + 1n, to: seq - 1n });
    this.prev = seq;
  }

  /** Damage that explains missing seqs in `range`. */
  noteDamage(range: SeqRange, reason: string): void {
    this.damage.push({ ...range, reason });
  }

  /** Seqs in (acked, newest] that no segment holds; tailSeq is the highest seq known to be taken. */
  lostAfter(acked: bigint, tailSeq: bigint): LostRange[] {
    const ranges = [...this.holes];
    if (this.first !== undefined && this.first > acked + 1n) ranges.unshift({ from: acked + 1n, to: this.first - 1n });
    const newest = this.prev ?? acked;
    if (tailSeq > newest) ranges.push({ from: newest + 1n, to: tailSeq });
    return ranges
      .filter((r) => r.to > acked)
      .map((r) => ({ from: r.from > acked ? r.from : acked + 1n, to: r.to }))
      .map((r) => ({ ...r, reason: this.explain(r) }));
  }

  private explain(r: SeqRange): string {
    const found = this.damage.filter((d) => d.from <= r.to && d.to >= r.from).map((d) => d.reason);
    return found.length > 0 ? [...new Set(found)].join("; ") : unexplained;
  }
}
