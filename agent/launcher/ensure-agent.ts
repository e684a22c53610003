import { spawn } from "node:child_process";
import { closeSync, existsSync, openSync, readFileSync } from "node:fs";
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
    if (exited && exited.code !== 0) throw new Error(`the agent failed to start:\n${logTail(location.state.logFile)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the agent did not answer on ${location.state.socket} within ${options.timeoutMs ?? 30_000} ms:\n${logTail(location.state.logFile)}`);
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
