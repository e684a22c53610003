/** A sample of repeated measurements, reduced to what the table prints. */
export interface Summary {
  median: number;
  min: number;
  max: number;
  /** How many repeats. */
  n: number;
}

/** The value at quantile q (0..1) of xs, nearest-rank on a sorted copy; NaN when empty. */
export function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
}

/** Median of xs (mean of the middle two for an even count). */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Median and min–max spread of repeated measurements. */
export function summarize(xs: readonly number[]): Summary {
  return { median: median(xs), min: Math.min(...xs), max: Math.max(...xs), n: xs.length };
}

/** Element-wise a[i] / b[i]: a ratio per repeat, so a slow moment hits both sides of one pair. */
export function pairRatios(a: readonly number[], b: readonly number[]): number[] {
  return a.map((x, i) => x / b[i]);
}
