import type { BenchContext } from "./lib/bench-context.js";
import type { Row } from "./lib/row.js";
import { ackLatency } from "./ack-latency.js";
import { agentOverhead } from "./agent-overhead.js";
import { exportDatasets } from "./export-datasets.js";
import { ghzLoad } from "./ghz-load.js";
import { idleStreams } from "./idle-streams.js";
import { ingestMongo } from "./ingest-mongo.js";
import { ingestSqlite } from "./ingest-sqlite.js";
import { lspOverhead } from "./lsp-overhead.js";
import { qaOverhead } from "./qa-overhead.js";
import { readsAtScale } from "./reads-at-scale.js";
import { unaryCpu } from "./unary-cpu.js";
import { workbenchTimeline } from "./workbench-timeline.js";

/** One part of the list. */
export interface BenchPart {
  part: number;
  title: string;
  run(ctx: BenchContext): Promise<Row[]>;
}

/** Every part, in order. */
export const parts: BenchPart[] = [
  { part: 1, title: "ingest, embedded store", run: ingestSqlite },
  { part: 2, title: "ack latency at 2 000 events/s", run: ackLatency },
  { part: 3, title: "ingest, MongoDB backend", run: ingestMongo },
  { part: 4, title: "unary RPC cost (server CPU per call)", run: unaryCpu },
  { part: 5, title: "reads at scale", run: readsAtScale },
  { part: 6, title: "QA overhead", run: qaOverhead },
  { part: 7, title: "agent overhead", run: agentOverhead },
  { part: 8, title: "load with a foreign client (ghz)", run: ghzLoad },
  { part: 9, title: "10 000 idle agent streams", run: idleStreams },
  { part: 10, title: "workbench: time to first timeline", run: workbenchTimeline },
  { part: 11, title: "devtrace lsp: added latency per message", run: lspOverhead },
  { part: 12, title: "dataset exports", run: exportDatasets },
];
