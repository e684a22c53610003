import { spawn } from "node:child_process";
import { benchScript } from "./paths.js";

/**
 * Runs dist/bench/<script> in its own node process with `input` as JSON in argv[2] and
 * resolves with the JSON object it prints as its last stdout line. Limits run this way
 * so that they sit in the same process layout as the server they are compared with.
 */
export function runChild<T>(script: string, input: unknown, timeoutMs = 120_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [benchScript(script), JSON.stringify(input)], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (b: Buffer) => (out += b.toString()));
    child.stderr.on("data", (b: Buffer) => (err += b.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.once("error", reject);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      const last = out.trim().split("\n").at(-1) ?? "";
      if (code !== 0) return reject(new Error(`${script} exited with ${code ?? signal}: ${err.trim() || last}`));
      try {
        resolve(JSON.parse(last) as T);
      } catch (error) {
        reject(new Error(`${script} printed no JSON result: ${last.slice(0, 200)}`, { cause: error }));
      }
    });
  });
}

/** The input a limit script was given (argv[2] as JSON). */
export function childInput<T>(): T {
  const raw = process.argv[2];
  if (raw === undefined) throw new Error("expected the task's input as JSON in argv[2]");
  return JSON.parse(raw) as T;
}

/** Prints a limit script's result as its last stdout line. */
export function childOutput(result: unknown): void {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
