import type { AgentStatusReport } from "../agent-status.js";
import { readClientEnv } from "../config.js";
import { renderTable } from "../format/table.js";
import { connectAgent } from "../launcher/ensure-agent.js";
import { locateAgent } from "../launcher/locate-agent.js";
import { readTraceFile } from "../trace/trace-file.js";
import { parseCommandArgs } from "./command-args.js";

const usage = `usage: devtrace status [--json] [--repo DIR]

Shows the repository's agent: trace id, connection, events recorded / acknowledged by the
server / queued on disk, spool size, attached terminals. Exit code 3 when no agent runs.`;

/** Exit code when no agent runs (as `systemctl status` does). */
const notRunning = 3;

/** `devtrace status`. */
export async function runStatusCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, { repo: { type: "string" }, json: { type: "boolean" }, help: { type: "boolean", short: "h" } }, usage);
  if (values.help) return (console.log(usage), 0);
  const location = await locateAgent(values.repo, readClientEnv());
  const agent = await connectAgent(location);
  if (!agent) {
    const open = readTraceFile(location.state.traceFile);
    if (values.json) console.log(JSON.stringify({ running: false, repo: location.repo.root, traceId: open?.traceId }));
    else {
      console.log(`no devtrace agent is running for ${location.repo.root}`);
      if (open) console.log(`open trace: ${open.traceId ?? "not yet created on the server"} (resumed by \`devtrace agent start\` or \`devtrace shell\`)`);
    }
    return notRunning;
  }
  try {
    const status = await agent.client.request<AgentStatusReport>("status");
    console.log(values.json ? JSON.stringify({ running: true, ...status }, null, 2) : renderStatus(status));
    return 0;
  } finally {
    agent.client.close();
  }
}

/** What the spool line adds about the bound (DEVTRACE_SPOOL_MAX_MB). */
function spoolWarning(spool: AgentStatusReport["spool"]): string {
  if (spool.full) return " — FULL: new events are refused (and counted as lost) until the server acknowledges; raise DEVTRACE_SPOOL_MAX_MB or bring the server back";
  if (spool.bytes >= 0.8 * spool.limitBytes) return " — WARNING: near its bound; at the bound new events are refused until the server is reachable";
  return "";
}

/** The status report as readable text. */
export function renderStatus(s: AgentStatusReport): string {
  const mib = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;
  const c = s.connection;
  let connection = c.state;
  if (c.lastError) connection += ` (${c.lastError})`;
  if (c.retryInMs !== undefined) connection += `, next try in ${Math.ceil(c.retryInMs / 1000)} s`;
  const lines = [
    `repository:  ${s.repo}`,
    `agent:       pid ${s.pid}, up since ${s.startedAt}${s.finalizing ? ", finalizing" : ""}`,
    `trace:       ${s.traceId ?? "not yet created on the server"}`,
    `server:      ${s.serverUrl}: ${connection}`,
    `events:      ${s.events.recorded} recorded, ${s.events.acked} acknowledged, ${s.events.queued} queued on disk`,
    `spool:       ${mib(s.spool.bytes)} of ${mib(s.spool.limitBytes)}${spoolWarning(s.spool)}`,
    `task:        ${s.task.description || "-"} (base ${s.task.baseCommit.slice(0, 12)}, tests: ${s.task.testCommand || "-"} in ${s.task.testImage || "-"})`,
    `terminals:   ${s.terminals.length} attached`,
  ];
  const refused = BigInt(s.spool.refusedEvents ?? "0");
  const damaged = BigInt(s.spool.lostEvents) - refused;
  if (refused > 0n) lines.push(`             ${refused} events were refused at the spool bound and are missing from the trace (each run is marked record_lost)`);
  if (damaged > 0n) lines.push(`             ${damaged} events were damaged on disk and could not be recovered (see the agent log)`);
  if (s.terminals.length > 0)
    lines.push(
      renderTable(s.terminals, [
        { header: "  session", cell: (t) => `  ${t.sessionId}` },
        { header: "shell", cell: (t) => t.shell },
        { header: "pid", cell: (t) => String(t.pid), right: true },
        { header: "since", cell: (t) => t.since },
      ]),
    );
  return lines.join("\n");
}
