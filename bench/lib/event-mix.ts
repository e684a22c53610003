import { create, toBinary } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { EventSchema } from "../../gen/devtrace/v1/event_pb.js";
import type { Event } from "../../gen/devtrace/v1/event_pb.js";

import { seededRandom as prng } from "../../test/helpers/seeded-random.js";

export { prng };

const codeLines = [
  "    if quantity >= tier.min_quantity:",
  "        return price * (1 - tier.discount)",
  "def bulk_discount(cart: Cart, tiers: list[Tier]) -> Decimal:",
  "    total = sum(item.price * item.quantity for item in cart.items)",
  "    # tiers are sorted by min_quantity, highest first",
  "    for tier in sorted(tiers, key=lambda t: t.min_quantity, reverse=True):",
  "from shopcart.pricing import Tier, bulk_discount",
  "    assert cart.total() == Decimal(\"90.00\")",
];
const outputLines = [
  "tests/test_pricing.py::test_bulk_discount_at_boundary FAILED                [ 42%]",
  "E       AssertionError: assert Decimal('100.00') == Decimal('90.00')",
  "shopcart/pricing.py:31: in bulk_discount",
  "    at Object.<anonymous> (/home/dev/shop/src/cart.ts:118:7)",
  "npm warn deprecated inflight@1.0.6: This module is not supported, and leaks memory.",
  "============================ 1 failed, 23 passed in 0.41s ============================",
];
const words = "the tier check uses a strict comparison where the spec says ten or more so buying exactly ten units misses the discount I reproduced it with a failing test first then read the pricing module".split(" ");

function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)];
}

/** Log-uniform integer in [lo, hi]: many small values, a long tail of large ones. */
function logUniform(r: () => number, lo: number, hi: number): number {
  return Math.round(Math.exp(Math.log(lo) + r() * (Math.log(hi) - Math.log(lo))));
}

function textOf(r: () => number, lines: readonly string[], bytes: number, prefix = ""): string {
  let out = "";
  while (out.length < bytes) out += `${prefix}${pick(r, lines)}\n`;
  return out.slice(0, bytes);
}

function prose(r: () => number, bytes: number): string {
  let out = "";
  while (out.length < bytes) out += `${pick(r, words)} `;
  return out.slice(0, bytes).trim() || "note";
}

const hex = (r: () => number) => Array.from({ length: 64 }, () => "0123456789abcdef"[Math.floor(r() * 16)]).join("");

type Kind = NonNullable<Parameters<typeof create<typeof EventSchema>>[1]>["kind"];

/**
 * One event kind in the proportions an agent produces while someone fixes a bug: edits
 * with diffs of 200 B–4 KiB, commands whose output is usually short and sometimes up to
 * 64 KiB, thoughts, and small editor events. The encoded median is about 500 B.
 */
function kindOf(r: () => number): Kind {
  const x = r();
  if (x < 0.4) {
    const diff = textOf(r, codeLines, logUniform(r, 200, 4096), r() < 0.5 ? "+" : "-");
    return { case: "fileEdit", value: { path: "shopcart/pricing.py", unifiedDiff: `@@ -28,7 +28,7 @@\n${diff}`, beforeSha256: hex(r), afterSha256: hex(r), linesAdded: 3, linesRemoved: 2 } };
  }
  if (x < 0.55) {
    const size = r() < 0.75 ? logUniform(r, 20, 600) : logUniform(r, 1024, 64 * 1024);
    const output = textOf(r, outputLines, size);
    return { case: "terminalCommand", value: { commandLine: "python3 -m pytest -q tests/test_pricing.py", cwd: "~/shop", exitCode: 1, durationMs: 812n, output, outputBytes: BigInt(size), shell: "bash" } };
  }
  if (x < 0.9) return { case: "thought", value: { text: prose(r, logUniform(r, 60, 900)), tags: ["hypothesis"] } };
  if (x < 0.95) return { case: "fileOpened", value: { path: "shopcart/cart.py", language: "python" } };
  return { case: "goToDefinition", value: { source: { path: "shopcart/cart.py", symbol: "bulk_discount" }, target: { path: "shopcart/pricing.py", symbol: "bulk_discount" }, latencyMs: 12 } };
}

/** `count` events with seqs 1..count, identical for identical (count, seed). */
export function eventMix(count: number, seed = 1): Event[] {
  const r = prng(seed);
  const t0 = Date.UTC(2026, 0, 1);
  const out: Event[] = [];
  for (let i = 1; i <= count; i++) {
    out.push(create(EventSchema, { seq: BigInt(i), sessionId: r() < 0.7 ? "tty-1" : "editor", time: timestampFromMs(t0 + i * 20), kind: kindOf(r) }));
  }
  return out;
}

/** Encoded size of each event. */
export function encodedSizes(events: readonly Event[]): number[] {
  return events.map((e) => toBinary(EventSchema, e).length);
}

/**
 * Splits events into batches the way the agent's uplink reads its spool: at most
 * `maxEvents` per batch and about `maxBytes` encoded (a batch always holds ≥ 1 event).
 * Returns [start, end) index pairs.
 */
export function batchBounds(sizes: readonly number[], maxEvents = 1000, maxBytes = 1024 * 1024): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let start = 0;
  let bytes = 0;
  for (let i = 0; i < sizes.length; i++) {
    if (i > start && (i - start >= maxEvents || bytes + sizes[i] > maxBytes)) {
      out.push([start, i]);
      start = i;
      bytes = 0;
    }
    bytes += sizes[i];
  }
  if (start < sizes.length) out.push([start, sizes.length]);
  return out;
}
