/** Options of createBackoff(). */
export interface BackoffOptions {
  /** First delay ceiling in ms. Default 250. */
  initialMs?: number;
  /** Largest delay ceiling in ms. Default 30 000. */
  maxMs?: number;
  /** Growth per attempt. Default 2. */
  factor?: number;
  /** Source of randomness in [0, 1). Default Math.random. */
  random?: () => number;
}

/** Delays for reconnect attempts: exponential, capped, with jitter. */
export interface Backoff {
  /** The delay before the next attempt, in ms; grows with each call. */
  next(): number;
  /** Back to the first delay (after a connection that worked). */
  reset(): void;
  /** Attempts since the last reset. */
  readonly attempts: number;
}

/**
 * Exponential back-off with "equal jitter": each delay is half its ceiling plus a random
 * share of the other half, so many agents reconnecting to a restarted server spread out
 * but none retries in a hot loop.
 */
export function createBackoff(options: BackoffOptions = {}): Backoff {
  const initialMs = options.initialMs ?? 250;
  const maxMs = options.maxMs ?? 30_000;
  const factor = options.factor ?? 2;
  const random = options.random ?? Math.random;
  let attempts = 0;
  return {
    next() {
      const ceiling = Math.min(maxMs, initialMs * factor ** Math.min(attempts, 60));
      attempts++;
      return Math.round(ceiling / 2 + random() * (ceiling / 2));
    },
    reset() {
      attempts = 0;
    },
    get attempts() {
      return attempts;
    },
  };
}
