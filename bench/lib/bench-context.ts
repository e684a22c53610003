/** What every part gets from the runner. */
export interface BenchContext {
  /** Measured repeats per figure (after one warm-up round); ≥ 3 for a spread worth printing. */
  repeats: number;
  /** Multiplies workload sizes: 1 for the real run, smaller for a quick look. */
  scale: number;
  /** A temp directory for this run, removed by the runner. */
  tmp: string;
  /** A progress line on stderr (the table goes to stdout). */
  log(message: string): void;
}

/** n scaled by the context, at least `min`. */
export function scaled(ctx: BenchContext, n: number, min = 1): number {
  return Math.max(min, Math.round(n * ctx.scale));
}
