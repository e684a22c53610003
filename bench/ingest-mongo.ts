/**
 * Part 3: the same agent stream as part 1 into a server on the MongoDB backend
 * (FerretDB on loopback here), against the driver's own unordered insertMany of the
 * same documents in its own process. Skips when FerretDB is not built.
 */
import { join } from "node:path";
import { toBinary } from "@bufbuild/protobuf";
import { EventSchema } from "../gen/devtrace/v1/event_pb.js";
import type { BenchContext } from "./lib/bench-context.js";
import { scaled } from "./lib/bench-context.js";
import { runChild } from "./lib/child-task.js";
import { createBenchTrace, grpcClient } from "./lib/clients.js";
import { batchBounds, eventMix } from "./lib/event-mix.js";
import { si, spread } from "./lib/format.js";
import { measurePair } from "./lib/repeat.js";
import type { Row } from "./lib/row.js";
import { skipRow } from "./lib/row.js";
import { writeRows } from "./lib/rows-file.js";
import { startServer } from "./lib/server-child.js";
import { storeLayerRows } from "./lib/store-layer-rows.js";
import { startFerret } from "./lib/ferretdb-child.js";
import { findTool } from "./lib/tools.js";
import { quantile } from "./lib/stats.js";
import { cut, streamBatches } from "./lib/stream-events.js";
import type { MongoLimitInput } from "./limits/mongo-insert.js";

/** Runs part 3 and returns its rows. */
export async function ingestMongo(ctx: BenchContext): Promise<Row[]> {
  const bin = findTool("ferretdb");
  if (bin === undefined) return [skipRow(3, "ingest, MongoDB backend", "no ferretdb binary (run .ci/build-go-tools.sh)")];
  await using ferret = await startFerret(bin);
  const events = eventMix(scaled(ctx, 10_000, 1000), 42);
  const bodies = events.map((e) => toBinary(EventSchema, e));
  const sizes = bodies.map((b) => b.length);
  const batches = cut(events, batchBounds(sizes));
  const rowsFile = join(ctx.tmp, "mongo.rows");
  writeRows(rowsFile, bodies);
  const db = `bench_${Date.now()}`;
  await using server = await startServer({ args: ["--workers", "0", "--mongo-url", `${ferret.url}${db}`] });
  using conn = grpcClient(server.url, server.credentials().ingest_token);
  ctx.log(`3: one stream of ${events.length} events into FerretDB`);
  const r = await measurePair(
    ctx.repeats,
    async () => {
      const trace = await createBenchTrace(conn.client);
      const t = performance.now();
      await streamBatches(conn.client, trace, batches);
      return events.length / ((performance.now() - t) / 1000);
    },
    async () => (await runChild<{ rowsPerSec: number }>("limits/mongo-insert.js", { url: ferret.url, rowsFile } satisfies MongoLimitInput)).rowsPerSec,
  );
  const rows: Row[] = [{
    part: 3,
    name: `ingest, 1 gRPC stream into MongoDB (FerretDB), median event ${quantile(sizes, 0.5)} B`,
    value: spread(r.value, si, "ev/s"),
    limit: `${si(r.limit.median)} docs/s insertMany`,
    ratio: r.ratio,
    goal: { kind: "min", target: 0.5, text: "≥ 0.50" },
    measured: r.ratio.median,
  }];
  ctx.log("3: store layer alone (bench/store-throughput.ts)");
  rows.push(...(await storeLayerRows(ctx, 3, "mongo", ferret.url)));
  return rows;
}
