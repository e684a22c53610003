import { Code, ConnectError } from "@connectrpc/connect";
import { TokenBucket } from "./token-bucket.js";
import type { Clock } from "./token-bucket.js";

/** Bounds each bearer token gets. */
export interface PerTokenLimitOptions {
  /** Streams (StreamEvents, WatchTrace, ExportTraces…) open at once per token. Default 16; 0 = unbounded. */
  maxStreams?: number;
  /** Sustained calls per second per token. Default 200; 0 = unbounded. */
  requestsPerSecond?: number;
  /** Calls a token may make at once after being idle. Default 2 × requestsPerSecond. */
  burst?: number;
  /** Milliseconds clock; default performance.now. */
  clock?: Clock;
}

/**
 * Per-token request rate and open-stream bounds, so one runaway agent cannot starve the
 * others. Beyond either bound the call fails with RESOURCE_EXHAUSTED naming the bound.
 */
export class PerTokenLimits {
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly streams = new Map<string, number>();
  private readonly maxStreams: number;
  private readonly rate: number;
  private readonly burst: number;
  private readonly clock: Clock;

  constructor(options: PerTokenLimitOptions = {}) {
    this.maxStreams = options.maxStreams ?? 16;
    this.rate = options.requestsPerSecond ?? 200;
    this.burst = options.burst ?? Math.max(1, this.rate * 2);
    this.clock = options.clock ?? (() => performance.now());
  }

  /** Counts one call against the token's rate; throws RESOURCE_EXHAUSTED beyond it. */
  admitCall(key: string): void {
    if (this.rate === 0) return;
    let bucket = this.buckets.get(key);
    if (!bucket) this.buckets.set(key, (bucket = new TokenBucket(this.rate, this.burst, this.clock)));
    if (!bucket.take()) {
      throw new ConnectError(
        `request rate limit of ${this.rate}/s (burst ${this.burst}) per token exceeded; retry later`,
        Code.ResourceExhausted,
      );
    }
  }

  /** Opens one stream for the token; returns its release function (idempotent). */
  openStream(key: string): () => void {
    const open = this.streams.get(key) ?? 0;
    if (this.maxStreams > 0 && open >= this.maxStreams) {
      throw new ConnectError(
        `open stream limit of ${this.maxStreams} per token reached; close a stream first`,
        Code.ResourceExhausted,
      );
    }
    this.streams.set(key, open + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const n = (this.streams.get(key) ?? 1) - 1;
      if (n === 0) this.streams.delete(key);
      else this.streams.set(key, n);
    };
  }

  /** Streams the token holds open now. */
  openStreams(key: string): number {
    return this.streams.get(key) ?? 0;
  }
}
