import { once } from "node:events";
import { create, toJson, type MessageInitShape } from "@bufbuild/protobuf";
import { timestampDate, timestampFromDate } from "@bufbuild/protobuf/wkt";
import { createClient, type Client } from "@connectrpc/connect";
import { EventSchema, type Event } from "../../gen/devtrace/v1/event_pb.js";
import { TraceSchema, type Trace } from "../../gen/devtrace/v1/trace_pb.js";
import {
  ListTracesResponseSchema,
  TraceFilterSchema,
  TraceService,
} from "../../gen/devtrace/v1/trace_service_pb.js";
import { readClientEnv, resolveServerOptions } from "../config.js";
import { isLoopback, resolveToken } from "../credentials.js";
import { exportHelp, exportOptions, filterArgsOf, runExportCommand } from "../export/export-command.js";
import { renderEvents } from "../format/event-summary.js";
import { renderQaReport } from "../format/qa-report.js";
import { renderTable } from "../format/table.js";
import { terminalText } from "../format/terminal-text.js";
import { parseTraceStatus, traceStatusName } from "../format/trace-status-name.js";
import { createServerTransport } from "../uplink/server-transport.js";
import { commonHelp, commonOptions, parseCommandArgs, UsageError } from "./command-args.js";

const usage = `usage: devtrace traces list [filters] [--limit N] [--page-token T] [--all] [--json]
       devtrace traces get TRACE_ID [--events] [--json]
       devtrace traces export [filters] [--format jsonl|swebench|messages|parquet] [--split S [--by G]]
                              [--min-events N] [--verdict V]... [--duplicates flag|drop] [--out PATH]

Researcher read access (a read or admin token). list prints a table (--json: the
ListTracesResponse as JSON); export writes training-ready datasets (default: one JSON line
per trace, events included).

filters (as in ListTraces / ExportTraces):
  --developer ID        traces of one developer
  --status S            open, queued, running_tests, judging, done, failed (repeatable)
  --repo-url URL        task.repo_url equals URL
  --since TIME          created at or after TIME (ISO 8601)
  --until TIME          created before TIME
  --min-score X         qa.overall ≥ X (0..1)
  --max-score X         qa.overall ≤ X (0..1)
${exportHelp}
${commonHelp.replace(/^ {2}--repo DIR.*\n/m, "")}`;

const filterOptions = {
  developer: { type: "string" },
  status: { type: "string", multiple: true },
  "repo-url": { type: "string" },
  since: { type: "string" },
  until: { type: "string" },
  "min-score": { type: "string" },
  "max-score": { type: "string" },
} as const;

const options = {
  ...commonOptions,
  ...filterOptions,
  ...exportOptions,
  limit: { type: "string" },
  "page-token": { type: "string" },
  all: { type: "boolean" },
  json: { type: "boolean" },
  events: { type: "boolean" },
  out: { type: "string" },
} as const;

type Values = ReturnType<typeof parseCommandArgs<typeof options>>["values"];

/** `devtrace traces list|get|export`. */
export async function runTracesCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, options, usage, true);
  const [sub, ...rest] = positionals;
  if (values.help || sub === undefined) return (console.log(usage), sub === undefined && !values.help ? 2 : 0);
  const server = resolveServerOptions(values, readClientEnv());
  const { token } = resolveToken(server, "read");
  // An export from a server on this machine streams uncompressed: gzip there is pure CPU on both ends.
  const acceptCompression = !(sub === "export" && isLoopback(server.url));
  const transport = createServerTransport({ url: server.url, token, caFile: server.caFile, acceptCompression });
  try {
    const client = createClient(TraceService, transport.transport);
    if (sub === "list") return await list(client, values);
    if (sub === "get") {
      if (rest.length !== 1) throw new UsageError("traces get needs one TRACE_ID", usage);
      return await get(client, rest[0], values);
    }
    if (sub === "export") return await runExportCommand(client, values, filterOf(values), filterArgsOf(values), usage);
    throw new UsageError(`unknown traces subcommand "${sub}"`, usage);
  } finally {
    transport.close();
  }
}

function filterOf(v: Values): MessageInitShape<typeof TraceFilterSchema> {
  const time = (flag: string, text: string | undefined) => {
    if (text === undefined) return undefined;
    const d = new Date(text);
    if (Number.isNaN(d.getTime())) throw new UsageError(`--${flag} must be an ISO 8601 time, got "${text}"`, usage);
    return timestampFromDate(d);
  };
  const score = (flag: string, text: string | undefined) => {
    if (text === undefined) return undefined;
    const n = Number(text);
    if (!(n >= 0 && n <= 1)) throw new UsageError(`--${flag} must be a number in [0, 1], got "${text}"`, usage);
    return n;
  };
  const statuses = (v.status ?? []).flatMap((s) => s.split(",")).map((s) => {
    const status = parseTraceStatus(s);
    if (status === undefined) throw new UsageError(`unknown --status "${s}"`, usage);
    return status;
  });
  return {
    developerId: v.developer ?? "",
    statuses,
    repoUrl: v["repo-url"] ?? "",
    createdAfter: time("since", v.since),
    createdBefore: time("until", v.until),
    minScore: score("min-score", v["min-score"]),
    maxScore: score("max-score", v["max-score"]),
  };
}

async function list(client: Client<typeof TraceService>, v: Values): Promise<number> {
  const pageSize = v.limit === undefined ? 50 : Number(v.limit);
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 500) throw new UsageError("--limit must be an integer in 1..500", usage);
  const filter = filterOf(v);
  const traces: Trace[] = [];
  let pageToken = v["page-token"] ?? "";
  do {
    const res = await client.listTraces({ filter, pageSize, pageToken });
    traces.push(...res.traces);
    pageToken = res.nextPageToken;
  } while (v.all && pageToken !== "");
  if (v.json) {
    console.log(JSON.stringify(toJson(ListTracesResponseSchema, create(ListTracesResponseSchema, { traces, nextPageToken: pageToken })), null, 2));
    return 0;
  }
  console.log(
    renderTable(traces, [
      { header: "trace", cell: (t) => t.id },
      { header: "status", cell: (t) => traceStatusName(t.status) },
      { header: "developer", cell: (t) => t.developer?.id ?? "" },
      { header: "created", cell: (t) => (t.createdAt ? timestampDate(t.createdAt).toISOString().slice(0, 19).replace("T", " ") : "") },
      { header: "events", cell: (t) => String(t.eventCount), right: true },
      { header: "score", cell: (t) => (t.qa ? t.qa.overall.toFixed(3) : ""), right: true },
      { header: "task", cell: (t) => t.task?.description ?? "", max: 50 },
    ]),
  );
  if (pageToken) console.log(`\nmore traces: --page-token ${pageToken} (or --all)`);
  return 0;
}

async function get(client: Client<typeof TraceService>, traceId: string, v: Values): Promise<number> {
  const withEvents = v.events === true || v.json === true;
  const first = await client.getTrace({ traceId, includeEvents: withEvents });
  const t = first.trace;
  if (!t) throw new Error(`GetTrace answered without trace ${traceId}`);
  if (v.json) {
    // The GetTraceResponse shape, written page by page: memory stays at one page whatever the trace's size.
    const trace = JSON.stringify(toJson(TraceSchema, t), null, 2).replace(/\n/g, "\n  ");
    await write(`{\n  "trace": ${trace},\n  "events": [`);
    let n = 0;
    for await (const events of eventPages(client, traceId, first)) {
      for (const e of events) await write(`${n++ === 0 ? "" : ","}\n    ${JSON.stringify(toJson(EventSchema, e))}`);
    }
    await write(`${n > 0 ? "\n  " : ""}]\n}\n`);
    return 0;
  }
  console.log(
    terminalText([
      `trace:      ${t.id}`,
      `developer:  ${t.developer?.id ?? "-"}${t.developer?.name ? ` (${t.developer.name})` : ""}`,
      `task:       ${t.task?.description || "-"}`,
      `repository: ${t.task?.repoUrl ?? "-"} at ${t.task?.baseCommit.slice(0, 12) ?? "-"}`,
      `tests:      ${t.task?.testCommand || "-"} in ${t.task?.testImage || "-"}`,
      `events:     ${t.eventCount}`,
      "",
      renderQaReport(t),
    ].join("\n"), true),
  );
  if (!v.events) return 0;
  let header = true;
  for await (const events of eventPages(client, traceId, first)) {
    if (events.length === 0) continue;
    const table = renderEvents(events);
    // One table: the column header only once, each page's rows after it.
    await write(`${header ? "\n" : ""}${header ? table : table.slice(table.indexOf("\n") + 1)}\n`);
    header = false;
  }
  return 0;
}

/** The trace's events page by page (GetTrace events_after_seq / next_events_after_seq), starting with `first`. */
async function* eventPages(client: Client<typeof TraceService>, traceId: string, first: { events: Event[]; nextEventsAfterSeq: bigint }): AsyncGenerator<Event[]> {
  let page = first;
  yield page.events;
  while (page.nextEventsAfterSeq !== 0n) {
    page = await client.getTrace({ traceId, includeEvents: true, eventsAfterSeq: page.nextEventsAfterSeq });
    yield page.events;
  }
}

/** Writes to stdout, waiting when the pipe is full (a reader slower than the server). */
async function write(text: string): Promise<void> {
  if (!process.stdout.write(text)) await once(process.stdout, "drain");
}
