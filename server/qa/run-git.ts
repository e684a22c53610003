import { execFile } from "node:child_process";

/** The result of a finished git (or patch) process. */
export interface ProcessResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Environment that keeps git from prompting or reading the server user's config. */
const quietEnv: Record<string, string> = {
  GIT_TERMINAL_PROMPT: "0",
  GIT_ASKPASS: "true",
  SSH_ASKPASS: "true",
  GIT_SSH_COMMAND: "ssh -oBatchMode=yes",
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_CONFIG_GLOBAL: "/dev/null",
  LC_ALL: "C",
};

/**
 * Runs a program to completion and reports its exit code and output; rejects only when
 * it could not be started or exceeded `timeoutMs` (killed).
 */
export function runProcess(file: string, args: string[], options: { cwd?: string; timeoutMs?: number; input?: string } = {}): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      file,
      args,
      { cwd: options.cwd, timeout: options.timeoutMs ?? 120_000, maxBuffer: 16 * 1024 * 1024, env: { PATH: "/usr/local/bin:/usr/bin:/bin", HOME: "/nonexistent", ...quietEnv }, killSignal: "SIGKILL" },
      (err, stdout, stderr) => {
        if (err && typeof err.code !== "number") {
          reject(new Error(`${file} ${args[0] ?? ""} did not finish${err.killed ? " (timed out)" : ""}: ${stderr || err.message}`, { cause: err }));
          return;
        }
        resolve({ code: err ? Number(err.code) : 0, stdout, stderr });
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

/** Runs git with protocol hardening (no ext:: transport, no prompts). */
export function runGit(args: string[], options: { cwd?: string; timeoutMs?: number; input?: string } = {}): Promise<ProcessResult> {
  return runProcess("git", ["-c", "protocol.ext.allow=never", "-c", "core.hooksPath=/dev/null", "-c", "advice.detachedHead=false", ...args], options);
}
