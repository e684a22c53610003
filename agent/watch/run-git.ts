import { spawn } from "node:child_process";

/** Options of one git invocation. */
export interface RunGitOptions {
  /** Working directory: the repository root. */
  cwd: string;
  /** Variables added to the inherited environment (e.g. GIT_INDEX_FILE); default none. */
  env?: Record<string, string>;
  /** Largest stdout accepted, in bytes; beyond it the call fails. Default 64 MiB. */
  maxBytes?: number;
  /** Exit codes treated as success besides 0 (e.g. 1 for `show-ref --verify -q`); default none. */
  okCodes?: number[];
}

/** What a git invocation printed and how it ended. */
export interface GitResult {
  stdout: string;
  code: number;
}

const defaultMaxBytes = 64 * 1024 * 1024;

/**
 * Runs `git args…` and resolves with its stdout; rejects with an Error (git's stderr in the
 * message) on a non-accepted exit code, a spawn failure or output beyond maxBytes.
 */
export function runGit(args: string[], options: RunGitOptions): Promise<GitResult> {
  const maxBytes = options.maxBytes ?? defaultMaxBytes;
  const ok = new Set([0, ...(options.okCodes ?? [])]);
  return new Promise((resolve, reject) => {
    // The child inherits the user's environment (PATH, HOME, git config) like any git the
    // user runs; only the variables this call needs are added.
    const child = spawn("git", args, {
      cwd: options.cwd,
      env: options.env ? { ...process.env, ...options.env } : process.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outBytes = 0;
    let overflow = false;
    child.stdout.on("data", (chunk: Buffer) => {
      outBytes += chunk.length;
      if (outBytes > maxBytes) {
        overflow = true;
        child.kill("SIGKILL");
        return;
      }
      out.push(chunk);
    });
    child.stderr.on("data", (chunk: Buffer) => {
      if (err.length < 64) err.push(chunk);
    });
    child.on("error", (cause) => reject(new Error(`git ${args[0]}: could not start git`, { cause })));
    child.on("close", (code, signal) => {
      const what = `git ${args.join(" ")}`;
      if (overflow) {
        reject(new Error(`${what}: output exceeds ${maxBytes} bytes`));
        return;
      }
      const exit = code ?? -1;
      if (!ok.has(exit)) {
        const stderr = Buffer.concat(err).toString("utf8").trim();
        reject(new Error(`${what} failed (${signal ?? `exit ${exit}`}): ${stderr}`));
        return;
      }
      resolve({ stdout: Buffer.concat(out).toString("utf8"), code: exit });
    });
  });
}
