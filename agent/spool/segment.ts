import { readdirSync } from "node:fs";
import { join } from "node:path";
import { segmentHeaderBytes } from "./record-codec.js";

/** Every how many records a segment remembers an offset, for reads from a seq. */
const indexEvery = 64;

/** One segment file and what is known of its durable content. */
export class Segment {
  /** Highest seq stored; firstSeq - 1 while empty. */
  lastSeq: bigint;
  /** Durable bytes: header and complete, synced records. */
  size = segmentHeaderBytes;
  private records = 0;
  private readonly indexSeqs: bigint[] = [];
  private readonly indexOffsets: number[] = [];

  constructor(
    readonly path: string,
    readonly firstSeq: bigint,
  ) {
    this.lastSeq = firstSeq - 1n;
  }

  /** Notes a durable record at `offset` ending at `end`. */
  add(seq: bigint, offset: number, end: number): void {
    if (this.records++ % indexEvery === 0) {
      this.indexSeqs.push(seq);
      this.indexOffsets.push(offset);
    }
    this.lastSeq = seq;
    this.size = end;
  }

  /** Whether the segment holds no record. */
  get empty(): boolean {
    return this.records === 0;
  }

  /** An offset at or before the record `seq`, where reading forward finds it. */
  offsetFor(seq: bigint): number {
    let lo = 0;
    let hi = this.indexSeqs.length - 1;
    let best = segmentHeaderBytes;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if ((this.indexSeqs[mid] ?? 0n) <= seq) {
        best = this.indexOffsets[mid] ?? best;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return best;
  }
}

const namePattern = /^segment-(\d{20})\.log$/;

/** File name of the segment whose first record is `firstSeq`. */
export function segmentFileName(firstSeq: bigint): string {
  return `segment-${firstSeq.toString().padStart(20, "0")}.log`;
}

/** Segment files in `dir`, oldest first. */
export function listSegmentFiles(dir: string): Array<{ path: string; firstSeq: bigint }> {
  return readdirSync(dir)
    .map((name) => ({ name, m: namePattern.exec(name) }))
    .filter((x): x is { name: string; m: RegExpExecArray } => x.m !== null)
    .map(({ name, m }) => ({ path: join(dir, name), firstSeq: BigInt(m[1] ?? "0") }))
    .sort((a, b) => (a.firstSeq < b.firstSeq ? -1 : a.firstSeq > b.firstSeq ? 1 : 0));
}
