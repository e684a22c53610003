interface InFlight {
  first: bigint;
  last: bigint;
}

/**
 * Which batches are sent but not yet acknowledged, and the next seq to send. A gap
 * answer rewinds to the server's expected seq once: answers to batches sent before the
 * rewind are stale and ignored, so one hole does not trigger a resend per batch in flight.
 */
export class BatchWindow {
  /** The first seq of the next batch to send. */
  nextSeq = 1n;
  private inFlight: InFlight[] = [];

  constructor(private readonly size: number) {
    if (!(size >= 1)) throw new Error(`window size must be ≥ 1, got ${size}`);
  }

  /** True when no more batches may be sent until an ack arrives. */
  full(): boolean {
    return this.inFlight.length >= this.size;
  }

  /** Batches awaiting an ack. */
  get pending(): number {
    return this.inFlight.length;
  }

  /** A batch holding seqs first..last went out. */
  sent(first: bigint, last: bigint): void {
    this.inFlight.push({ first, last });
    this.nextSeq = last + 1n;
  }

  /** The server stored 1..seq. */
  acked(seq: bigint): void {
    this.inFlight = this.inFlight.filter((b) => b.last > seq);
  }

  /** The server wanted `expected` but got `received`; true when this rewinds the window. */
  gap(expected: bigint, received: bigint): boolean {
    const current = this.inFlight.some((b) => b.first <= received && received <= b.last);
    if (!current) return false;
    this.reset(expected);
    return true;
  }

  /** Forgets what is in flight and sends from `next` on. */
  reset(next: bigint): void {
    this.inFlight = [];
    this.nextSeq = next;
  }
}
