import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { createClient } from "@connectrpc/connect";
import type { Event } from "../../../gen/devtrace/v1/event_pb.js";
import { TraceService } from "../../../gen/devtrace/v1/trace_service_pb.js";
import { grpcTransport } from "../../helpers/devtrace-server.js";
import { readAllEvents } from "../../helpers/read-all-events.js";
import { cliPath, repoRoot } from "../../helpers/server-process.js";
import { tempGitRepo, type TempGitRepo } from "../../helpers/temp-git-repo.js";
import { devtrace, testHome } from "./cli-terminal.js";

/** What `devtrace status --json` prints (the fields these tests read). */
export interface StatusJson {
  running: boolean;
  pid?: number;
  traceId?: string;
  events?: { recorded: string; acked: string; queued: string };
  connection?: { state: string; lastError?: string; reconnects: number };
  spool?: { bytes: number; limitBytes: number; lostEvents: string };
}

/** Builds dist/ once when it is missing (the agent and shells run the compiled CLI, as users do). */
export function ensureBuilt(): void {
  if (!existsSync(cliPath)) execFileSync("npx", ["tsc", "-p", "tsconfig.json"], { cwd: repoRoot, stdio: "inherit" });
}

/** A HOME, an env pointing at `serverUrl`, and a helper to make committed repositories; dispose removes them. */
export function faultSession(serverUrl: string, token: string, extraEnv: Record<string, string> = {}) {
  const home = testHome();
  const env: Record<string, string> = {
    PATH: `${home.bin}:${process.env.PATH ?? "/usr/bin:/bin"}`,
    HOME: home.home,
    LANG: "C.UTF-8",
    DEVTRACE_SERVER: serverUrl,
    DEVTRACE_TOKEN: token,
    GIT_CONFIG_NOSYSTEM: "1",
    ...extraEnv,
  };
  const repos: TempGitRepo[] = [];
  return {
    env,
    /** A repository with `files` committed. */
    repo(files: Record<string, string>): TempGitRepo {
      const r = tempGitRepo();
      r.git("config", "user.name", "Dev Tester");
      r.git("config", "user.email", "dev@example.test");
      for (const [path, content] of Object.entries(files)) r.write(path, content);
      r.git("add", "-A");
      r.git("commit", "-qm", "base");
      repos.push(r);
      return r;
    },
    /** `devtrace status --json` in `r`. */
    async status(r: TempGitRepo): Promise<StatusJson> {
      const res = await devtrace(["status", "--json"], { cwd: r.dir, env });
      return JSON.parse(res.stdout) as StatusJson;
    },
    /** Stops every agent and removes the files. */
    async dispose(): Promise<void> {
      for (const r of repos) {
        await devtrace(["agent", "stop", "--timeout", "0"], { cwd: r.dir, env }).catch(() => undefined);
        r[Symbol.dispose]();
      }
      rmSync(home.home, { recursive: true, force: true });
    },
  };
}

/** The agent's pid from its pid file. */
export function agentPid(r: TempGitRepo): number {
  return (JSON.parse(readFileSync(join(r.dir, ".git", "devtrace", "agent.pid"), "utf8")) as { pid: number }).pid;
}

/** True while `pid` runs (a zombie counts as gone). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\S+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

/** Every event the server stored for `traceId`. */
export async function serverEvents(url: string, readToken: string, traceId: string): Promise<Event[]> {
  return (await readAllEvents(createClient(TraceService, grpcTransport(url, readToken)), traceId)).events;
}

/** Missing / duplicated / reordered counts of `seen` against `expected` (both in intended order). */
export function deliveryCounts(expected: string[], seen: string[]): { missing: number; duplicated: number; reordered: number } {
  const missing = expected.filter((e) => !seen.includes(e)).length;
  const duplicated = seen.length - new Set(seen).size;
  const order = [...new Set(seen)].filter((s) => expected.includes(s)).map((s) => expected.indexOf(s));
  const reordered = order.filter((v, i) => i > 0 && v < order[i - 1]).length;
  return { missing, duplicated, reordered };
}

/** Polls until `done`, failing with `what` (and what `describe` says of the state) after `timeoutMs`. */
export async function waitFor(what: string, done: () => Promise<boolean> | boolean, timeoutMs = 90_000, describe?: () => Promise<string>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${describe ? `; saw ${await describe()}` : ""}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
