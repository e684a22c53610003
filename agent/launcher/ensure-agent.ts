import { spawn } from "node:child_process";
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { inheritedEnv } from "../config.js";
import { AgentNotRunningError, LocalClient } from "../local/local-client.js";
import { ensureStateDir } from "../state/state-dir.js";
import type { AgentLocation } from "./locate-agent.js";

/** What `hello` answers. */
export interface AgentHello {
  pid: number;
  version: string;
  repo: string;
  traceId?: string;
  startedAt: string;
  socket: string;
}

/** A connected agent; `started` tells whether this call launched it. */
export interface RunningAgent {
  client: LocalClient;
  hello: AgentHello;
  started: boolean;
}

/** Connects to the repository's agent and says hello, or undefined when none is running. */
export async function connectAgent(location: AgentLocation, onNotice?: (n: Record<string, unknown>) => void): Promise<RunningAgent | undefined> {
  let client: LocalClient;
  try {
    client = await LocalClient.connect(location.state.socket, onNotice);
  } catch (err) {
    if (err instanceof AgentNotRunningError) return undefined;
    throw err;
  }
  try {
    const hello = await client.request<AgentHello>("hello", { client: "devtrace-cli" });
    return { client, hello, started: false };
  } catch (err) {
    client.close();
    // A socket that accepts but dies during hello belongs to an agent that is shutting down.
    if (err instanceof AgentNotRunningError) return undefined;
    throw err;
  }
}

/** Options of ensureAgent(). */
export interface EnsureAgentOptions {
  /** Extra `agent start` flags for a new agent (--task, --server, --token, --ca…). */
  startArgs: string[];
  /** Extra environment of a new agent (DEVTRACE_TOKEN: kept off the command line, where ps shows it). */
  env?: Record<string, string>;
  /** How long to wait for a new agent's socket. Default 30 s. */
  timeoutMs?: number;
  onNotice?: (n: Record<string, unknown>) => void;
}

/**
 * The repository's running agent, starting one in the background when none answers:
 * `node dist/agent/cli.js agent start --foreground …`, detached, its output appended to
 * the state directory's agent.log, then waits until its socket answers. Two callers racing
 * both end up connected to the one agent that won the lock.
 */
export async function ensureAgent(location: AgentLocation, options: EnsureAgentOptions): Promise<RunningAgent> {
  const running = await connectAgent(location, options.onNotice);
  if (running) return running;
  ensureStateDir(location.state);
  const log = openSync(location.state.logFile, "a", 0o600);
  // Only what this start writes explains its failure; the log holds earlier runs too.
  const logStart = statSync(location.state.logFile).size;
  let exited: { code: number | null } | undefined;
  try {
    const cli = fileURLToPath(new URL("../cli.js", import.meta.url));
    const child = spawn(process.execPath, [cli, "agent", "start", "--foreground", "--repo", location.repo.root, ...options.startArgs], {
      cwd: location.repo.root,
      detached: true,
      stdio: ["ignore", log, log],
      env: inheritedEnv(options.env),
    });
    child.once("exit", (code) => (exited = { code }));
    child.once("error", () => (exited = { code: null }));
    child.unref();
  } finally {
    closeSync(log);
  }
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  while (Date.now() < deadline) {
    const agent = await connectAgent(location, options.onNotice);
    if (agent) return { ...agent, started: true };
    // Exit code 0 means another starter won the lock: keep polling for its socket.
    if (exited && exited.code !== 0) {
      const written = readFrom(location.state.logFile, logStart);
      throw new Error(`the agent failed to start: ${failureReason(written)} (log: ${location.state.logFile})\n${lastLines(written, 15)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the agent did not answer on ${location.state.socket} within ${options.timeoutMs ?? 30_000} ms:\n${logTail(location.state.logFile)}`);
}

/**
 * The one-line reason a starting agent gave for failing, from what it wrote to its log: the
 * CLI's "devtrace: …" line, else the last error-level pino line's message and error, else
 * its last line. Log text comes from the agent's own output; it is shown on one line.
 */
export function failureReason(written: string): string {
  const lines = written.split("\n").map((l) => l.trim()).filter((l) => l !== "");
  const cli = lines.findLast((l) => l.startsWith("devtrace: "));
  if (cli) return oneLine(cli.slice("devtrace: ".length));
  for (const l of [...lines].reverse()) {
    if (!l.startsWith("{")) continue;
    try {
      const j = JSON.parse(l) as { level?: number; msg?: string; err?: { message?: string } };
      if ((j.level ?? 0) >= 50) return oneLine([j.msg, j.err?.message].filter(Boolean).join(": "));
    } catch {
      // not a pino line
    }
  }
  return oneLine(lines.at(-1) ?? `it exited without a word (see the log)`);
}

function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  const flat = text.replace(/[\u0000-\u001f\u007f]+/g, " ").trim();
  return flat.length > 300 ? `${flat.slice(0, 297)}...` : flat;
}

function readFrom(file: string, offset: number): string {
  try {
    const fd = openSync(file, "r");
    try {
      const size = statSync(file).size;
      const start = Math.max(offset, size - 64 * 1024);
      const buf = Buffer.alloc(Math.max(0, size - start));
      readSync(fd, buf, 0, buf.length, start);
      return buf.toString("utf8");
    } finally {
      closeSync(fd);
    }
  } catch {
    return "";
  }
}

function lastLines(text: string, n: number): string {
  return text.trimEnd().split("\n").slice(-n).join("\n");
}

/** The last lines of the agent's log, for error messages. */
export function logTail(file: string, lines = 15): string {
  try {
    return readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return `(no log at ${file})`;
  }
}

/** Waits until the agent removed its pid file, its last act after closing spool and socket. */
export async function waitAgentGone(location: AgentLocation, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (existsSync(location.state.pidFile)) {
    if (Date.now() > deadline) throw new Error(`the agent did not stop within ${timeoutMs} ms; see ${location.state.logFile}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
