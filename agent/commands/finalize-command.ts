import { fromJson, type JsonValue } from "@bufbuild/protobuf";
import { TraceSchema, TraceStatus, type Trace } from "../../gen/devtrace/v1/trace_pb.js";
import { readClientEnv, resolveServerOptions } from "../config.js";
import { resolveToken } from "../credentials.js";
import type { FinalizeProgress } from "../finalize-flow.js";
import { renderQaReport } from "../format/qa-report.js";
import { connectAgent, ensureAgent, waitAgentGone } from "../launcher/ensure-agent.js";
import { locateAgent } from "../launcher/locate-agent.js";
import { readTraceFile } from "../trace/trace-file.js";
import { commonHelp, commonOptions, parseCommandArgs, UsageError } from "./command-args.js";
import { missingTestSettings } from "../../server/qa/tests-not-configured.js";
import { watchTrace } from "./watch-trace.js";

const usage = `usage: devtrace finalize [--wait] [--timeout SECONDS] [options]

Seals the repository's trace: waits until every recorded event reached the server,
computes the final patch (the working tree against the trace's base commit, untracked
files that .gitignore does not exclude included), calls FinalizeTrace and stops the agent.
With --wait, follows QA (tests in Docker, then the judge) and prints the scores.

options:
  --wait              follow QA to the end and print the scores
  --timeout SECONDS   give up waiting for the server after this long (default: wait)
${commonHelp}`;

/** `devtrace finalize`. */
export async function runFinalizeCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, { ...commonOptions, wait: { type: "boolean" }, timeout: { type: "string" } }, usage);
  if (values.help) return (console.log(usage), 0);
  const timeoutMs = values.timeout === undefined ? undefined : Number(values.timeout) * 1000;
  if (timeoutMs !== undefined && !(timeoutMs >= 0)) throw new UsageError("--timeout must be a number of seconds", usage);
  const env = readClientEnv();
  const location = await locateAgent(values.repo, env);
  const server = resolveServerOptions(values, env);
  let agent = await connectAgent(location);
  if (!agent) {
    const open = readTraceFile(location.state.traceFile);
    if (!open) {
      console.error(`devtrace: ${location.repo.root} has no open trace to finalize`);
      return 1;
    }
    // The spool of a stopped or crashed agent still holds events: an agent must send them.
    const { token } = resolveToken({ ...server, url: open.serverUrl }, "ingest");
    console.error("devtrace: no agent was running; starting one to deliver the spooled events");
    const startArgs = ["--server", open.serverUrl, ...(server.caFile ? ["--ca", server.caFile] : [])];
    agent = await ensureAgent(location, { startArgs, env: token ? { DEVTRACE_TOKEN: token } : {} });
  }
  const progress = progressPrinter();
  let result: { trace?: JsonValue; serverUrl: string; caFile?: string };
  try {
    result = await agent.client.request("finalize", timeoutMs === undefined ? {} : { timeoutMs }, { onProgress: (p) => progress.show(p as FinalizeProgress) });
  } finally {
    progress.done();
    agent.client.close();
  }
  if (!result.trace) throw new Error("the agent answered finalize without the trace");
  // The agent stops after sealing; once it is gone the trace is archived and the next start begins anew.
  await waitAgentGone(location);
  const trace = fromJson(TraceSchema, result.trace);
  console.log(`trace ${trace.id} finalized: ${trace.eventCount} events, final patch ${Buffer.byteLength(trace.finalPatch)} bytes; QA queued`);
  const missing = trace.task ? missingTestSettings(trace.task) : [];
  if (missing.length) {
    console.error(`devtrace: warning: the trace has no ${missing.join(" and no ")}: no tests will run; the judge grades the reasoning alone and the trace ends NOT_CONFIGURED (give --test-image and --test-command to \`devtrace agent start\`)`);
  }
  if (!values.wait) return 0;
  const { token } = resolveToken({ ...server, url: result.serverUrl }, "ingest");
  const last: Trace = await watchTrace({ url: result.serverUrl, token, caFile: result.caFile ?? server.caFile }, trace.id);
  console.log(renderQaReport(last, process.stdout.columns || 100));
  return last.status === TraceStatus.DONE ? 0 : 1;
}

/** One rewritten line on a terminal, one line per change otherwise. */
function progressPrinter(): { show(p: FinalizeProgress): void; done(): void } {
  const tty = process.stderr.isTTY === true;
  let lastLine = "";
  return {
    show(p) {
      const why = p.lastError && p.connection !== "connected" ? ` (${p.lastError})` : "";
      const line =
        p.step === "draining"
          ? `waiting for the server: ${p.queued} events queued, ${p.acked} acknowledged, connection ${p.connection}${why}`
          : p.step === "sealing"
            ? "every event acknowledged; sealing the trace"
            : "collecting pending changes and the final patch";
      if (line === lastLine) return;
      lastLine = line;
      process.stderr.write(tty ? `\r\x1b[2K${line}` : `${line}\n`);
    },
    done() {
      if (tty && lastLine) process.stderr.write("\n");
    },
  };
}
