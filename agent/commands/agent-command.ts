import { pino } from "pino";
import { readClientEnv, resolveServerOptions, type ClientEnv } from "../config.js";
import { resolveToken } from "../credentials.js";
import type { AgentStatusReport } from "../agent-status.js";
import { startRepoAgent } from "../start-repo-agent.js";
import { connectAgent, ensureAgent, waitAgentGone, type AgentHello } from "../launcher/ensure-agent.js";
import { locateAgent, type AgentLocation } from "../launcher/locate-agent.js";
import { missingTestSettings } from "../../server/qa/tests-not-configured.js";
import { commonHelp, commonOptions, parseCommandArgs, UsageError } from "./command-args.js";

const usage = `usage: devtrace agent start [--task TEXT] [--test-command CMD] [--test-image IMG] [--foreground] [options]
       devtrace agent stop [--timeout SECONDS] [--repo DIR]

start   starts the repository's background agent (one per repository): it creates the trace
        on the server (or resumes the one this repository has open), watches the files,
        keeps the on-disk spool and the uplink, and listens on a local socket.
stop    drains the spool to the server (up to --timeout, default 15 s) and stops the agent.

options:
  --task TEXT          the bug being fixed (a new trace's task description)
  --test-command CMD   shell command QA runs in the repository root, e.g. "pytest -q"
  --test-image IMG     Docker image QA runs it in, e.g. devtrace/sample-python:1
  --foreground         run in this terminal instead of detaching (logs to stdout)
  --ask-notes          recorded shells suggest \`devtrace note\` after a failing test command or a
                       stretch without a note (one line, rate-limited; recorded on the trace)
${commonHelp}`;

const startOptions = {
  ...commonOptions,
  task: { type: "string" },
  "test-command": { type: "string" },
  "test-image": { type: "string" },
  foreground: { type: "boolean" },
  "ask-notes": { type: "boolean" },
} as const;

/** `devtrace agent start|stop`. */
export async function runAgentCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === "start") return start(rest);
  if (sub === "stop") return stop(rest);
  if (sub === "--help" || sub === "-h" || sub === undefined) {
    console.log(usage);
    return sub === undefined ? 2 : 0;
  }
  throw new UsageError(`unknown agent subcommand "${sub}"`, usage);
}

async function start(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, startOptions, usage);
  if (values.help) return (console.log(usage), 0);
  const env = readClientEnv();
  const location = await locateAgent(values.repo, env);
  const server = resolveServerOptions(values, env);
  const { token, source } = resolveToken(server, "ingest");
  if (!token) {
    console.error(
      `devtrace: no token for ${server.url}: set DEVTRACE_TOKEN (or --token) to an ingest token; ` +
        `a server started on this machine with \`npm start\` writes one to its data/credentials.json`,
    );
    return 1;
  }
  if (values.foreground) return foreground(location, env, { ...values, serverUrl: server.url, token, tokenSource: source, caFile: server.caFile });
  const running = await connectAgent(location);
  if (running) {
    running.client.close();
    console.log(`devtrace agent already running for ${location.repo.root} (pid ${running.hello.pid}, trace ${running.hello.traceId ?? "not created yet"})`);
    return 0;
  }
  const startArgs: string[] = ["--server", server.url];
  if (server.caFile) startArgs.push("--ca", server.caFile);
  if (values.task !== undefined) startArgs.push("--task", values.task);
  if (values["test-command"] !== undefined) startArgs.push("--test-command", values["test-command"]);
  if (values["test-image"] !== undefined) startArgs.push("--test-image", values["test-image"]);
  if (values["ask-notes"]) startArgs.push("--ask-notes");
  const agent = await ensureAgent(location, { startArgs, env: { DEVTRACE_TOKEN: token } });
  // The trace is created once the server answers; give it a moment so the id can be shown.
  for (let i = 0; i < 25 && !agent.hello.traceId; i++) {
    await new Promise((r) => setTimeout(r, 200));
    agent.hello = await agent.client.request<AgentHello>("hello");
  }
  const status = await agent.client.request<AgentStatusReport>("status");
  agent.client.close();
  const verb = agent.started ? "started" : "already running";
  console.log(`devtrace agent ${verb} for ${location.repo.root} (pid ${agent.hello.pid}, trace ${agent.hello.traceId ?? "pending: created once the server answers"})`);
  if (!agent.hello.traceId && status.connection.lastError) console.log(`  server ${status.serverUrl}: ${status.connection.state} (${status.connection.lastError}); events are kept on disk meanwhile`);
  const missing = missingTestSettings(status.task);
  if (missing.length) console.log(`  warning: this trace has no ${missing.join(" and no ")}: QA will run no tests (the judge still grades the reasoning; the trace ends NOT_CONFIGURED). Give --test-image and --test-command to a new trace.`);
  console.log(`  log: ${location.state.logFile}`);
  return 0;
}

interface ForegroundOptions {
  task?: string;
  "test-command"?: string;
  "test-image"?: string;
  "ask-notes"?: boolean;
  serverUrl: string;
  token: string;
  tokenSource: string;
  caFile?: string;
}

async function foreground(location: AgentLocation, env: ClientEnv, o: ForegroundOptions): Promise<number> {
  const logger = pino({ level: env.logLevel, base: { component: "agent", pid: process.pid } });
  const agent = await startRepoAgent({
    location,
    env,
    serverUrl: o.serverUrl,
    token: o.token,
    caFile: o.caFile,
    task: { description: o.task, testCommand: o["test-command"], testImage: o["test-image"] },
    askNotes: o["ask-notes"],
    logger,
  });
  if (!agent) {
    const running = await connectAgent(location);
    running?.client.close();
    console.log(`devtrace agent already running for ${location.repo.root}${running ? ` (pid ${running.hello.pid})` : ""}`);
    return 0;
  }
  logger.info({ tokenSource: o.tokenSource, server: o.serverUrl }, "recording");
  const signals: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];
  const onSignal = (signal: NodeJS.Signals) => agent.requestStop(`signal ${signal}`);
  for (const s of signals) process.on(s, onSignal);
  try {
    const reason = await agent.stopped;
    logger.info({ reason }, "stopping");
  } finally {
    await agent.close();
    for (const s of signals) process.off(s, onSignal);
  }
  return 0;
}

async function stop(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, { repo: commonOptions.repo, help: commonOptions.help, timeout: { type: "string" } }, usage);
  if (values.help) return (console.log(usage), 0);
  const timeoutSec = values.timeout === undefined ? 15 : Number(values.timeout);
  if (!Number.isFinite(timeoutSec) || timeoutSec < 0) throw new UsageError(`--timeout must be a number of seconds`, usage);
  const location = await locateAgent(values.repo, readClientEnv());
  const running = await connectAgent(location);
  if (!running) {
    console.log(`no devtrace agent is running for ${location.repo.root}`);
    return 0;
  }
  try {
    const result = await running.client.request<{ drained: boolean; queued: string }>(
      "stop",
      { timeoutMs: Math.round(timeoutSec * 1000) },
      { onProgress: (p) => process.stderr.write(`\rdraining: ${(p as { queued: string }).queued} events queued…`) },
    );
    if (process.stderr.isTTY) process.stderr.write("\n");
    await waitAgentGone(location);
    if (result.drained) console.log(`devtrace agent stopped (pid ${running.hello.pid}); every event reached the server`);
    else console.log(`devtrace agent stopped (pid ${running.hello.pid}); ${result.queued} events stay in the spool and are sent when the agent starts again`);
    return 0;
  } finally {
    running.client.close();
  }
}
