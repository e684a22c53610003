import { createHash } from "node:crypto";

/** One named split and its share of the groups. */
export interface SplitShare {
  name: string;
  fraction: number;
}

/** What keeps traces together in one split. */
export type SplitBy = "developer" | "repo" | "task";

/** The value of --split is malformed; the message says how. */
export class SplitSpecError extends Error {}

/**
 * Parses "train=0.9,validation=0.1": names of [a-z0-9_-] (unique, ≤ 64 bytes), fractions in
 * (0, 1] that add up to 1 (within 1e-6).
 */
export function parseSplitSpec(text: string): SplitShare[] {
  const shares = text.split(",").map((part) => {
    const m = /^\s*([a-z0-9_-]{1,64})\s*=\s*([0-9.]+(?:e-?\d+)?)\s*$/i.exec(part);
    if (!m) throw new SplitSpecError(`--split: "${part}" is not NAME=FRACTION (e.g. train=0.9,validation=0.1)`);
    const fraction = Number(m[2]);
    if (!(fraction > 0 && fraction <= 1)) throw new SplitSpecError(`--split: the fraction of "${m[1]}" must be in (0, 1], got ${m[2]}`);
    return { name: m[1].toLowerCase(), fraction };
  });
  const names = new Set(shares.map((s) => s.name));
  if (names.size !== shares.length) throw new SplitSpecError("--split: a split name appears twice");
  const sum = shares.reduce((a, s) => a + s.fraction, 0);
  if (Math.abs(sum - 1) > 1e-6) throw new SplitSpecError(`--split: the fractions add up to ${sum}, not 1`);
  return shares;
}

/** Where a group key falls in [0, 1): the first 52 bits of its SHA-256, so the same key always lands in the same place. */
export function keyPoint(key: string): number {
  const h = createHash("sha256").update(key).digest();
  return (h.readUInt32BE(0) * 2 ** 20 + (h.readUInt32BE(4) >>> 12)) / 2 ** 52;
}

/** The split of a group key: by hash, so every trace of one developer, repository or task lands in the same one. */
export function splitOf(key: string, shares: readonly SplitShare[]): string {
  const p = keyPoint(key);
  let acc = 0;
  for (const s of shares) {
    acc += s.fraction;
    if (p < acc) return s.name;
  }
  return shares[shares.length - 1].name;
}
