import { pairRatios, summarize } from "./stats.js";
import type { Summary } from "./stats.js";

/** What measurePair() found: each side and their per-repeat ratio. */
export interface PairResult {
  value: Summary;
  limit: Summary;
  /** value / limit per repeat. */
  ratio: Summary;
  /** [value, limit] of each repeat, in order. */
  pairs: Array<[number, number]>;
}

/**
 * Runs `warmup` unmeasured rounds of both sides, then `repeats` rounds alternating the
 * measured side and its limit, so drifting load on a shared machine lands on both.
 */
export async function measurePair(
  repeats: number,
  value: () => Promise<number>,
  limit: () => Promise<number>,
  warmup = 1,
): Promise<PairResult> {
  for (let i = 0; i < warmup; i++) {
    await value();
    await limit();
  }
  const v: number[] = [];
  const l: number[] = [];
  for (let i = 0; i < repeats; i++) {
    // Alternate which side goes first: a trend across the run does not favour either.
    if (i % 2 === 0) {
      v.push(await value());
      l.push(await limit());
    } else {
      l.push(await limit());
      v.push(await value());
    }
  }
  return { value: summarize(v), limit: summarize(l), ratio: summarize(pairRatios(v, l)), pairs: v.map((x, i) => [x, l[i]]) };
}
