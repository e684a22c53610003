import type { BenchContext } from "./bench-context.js";
import { scaled } from "./bench-context.js";
import { si, spread } from "./format.js";
import type { Row } from "./row.js";
import { storeThroughput } from "../store-throughput.js";

/**
 * The store engineer's bench (bench/store-throughput.ts) as table rows: the store layer
 * alone in this process against the raw client, which tells the RPC layer's share of
 * any shortfall from the store's.
 */
export async function storeLayerRows(ctx: BenchContext, part: number, backend: "sqlite" | "mongo", mongoUrl?: string): Promise<Row[]> {
  const results = await storeThroughput({ backend, mongoUrl, batches: scaled(ctx, backend === "sqlite" ? 10 : 3), rounds: ctx.repeats });
  return results.map((t) => ({
    part,
    name: `store layer alone: appendEvents in-process, ${t.traces} trace${t.traces > 1 ? "s" : ""} (~450 B events)`,
    value: spread(t.result.value, si, "rows/s"),
    limit: `${si(t.result.limit.median)} rows/s raw`,
    ratio: t.result.ratio,
    goal: { kind: "min", target: 0.5, text: "≥ 0.50" },
    measured: t.result.ratio.median,
  }));
}
