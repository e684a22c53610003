import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { join } from "node:path";
import { repoRoot } from "./paths.js";

/** `devtrace agent start --foreground` on a repository, as a child process. */
export interface AgentChild extends AsyncDisposable {
  pid: number;
  child: ChildProcess;
  output(): string;
}

/**
 * Starts the agent in the foreground (so its pid is the agent's own) and resolves once
 * it logged `readyLine` (the repo watcher's "snapshot taken": the initial scan is over).
 */
export async function startAgent(repo: string, env: Record<string, string>, readyLine = "snapshot taken"): Promise<AgentChild> {
  const child = spawn(process.execPath, [join(repoRoot, "dist", "agent", "cli.js"), "agent", "start", "--foreground", "--repo", repo, "--task", "bench"], {
    cwd: repo,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  const keep = (b: Buffer) => {
    if (out.length < 256 * 1024) out += b.toString();
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
    child.kill("SIGTERM");
    await exited;
    clearTimeout(timer);
  };
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the agent did not log "${readyLine}" within 180 s:\n${out.slice(-2000)}`)), 180_000);
      const check = () => {
        if (!out.includes(readyLine)) return;
        clearTimeout(timer);
        child.stdout.off("data", check);
        resolve();
      };
      child.stdout.on("data", check);
      void exited.then(() => reject(new Error(`the agent exited (${child.exitCode ?? child.signalCode}):\n${out.slice(-2000)}`)));
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return { pid: child.pid!, child, output: () => out, [Symbol.asyncDispose]: stop };
}
