import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { benchScript } from "./paths.js";

/** A long-running helper process (an echo server…) that printed one JSON line when ready. */
export interface ServiceChild<T> extends AsyncDisposable {
  pid: number;
  /** What it printed when ready, e.g. { port }. */
  info: T;
  child: ChildProcess;
}

/** Starts dist/bench/<script> with `input` as JSON in argv[2]; resolves on its first stdout line. */
export async function startServiceChild<T>(script: string, input: unknown): Promise<ServiceChild<T>> {
  const child = spawn(process.execPath, [benchScript(script), JSON.stringify(input)], { stdio: ["ignore", "pipe", "pipe"] });
  let err = "";
  child.stderr.on("data", (b: Buffer) => (err += b.toString()));
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
    child.kill("SIGTERM");
    await exited;
    clearTimeout(timer);
  };
  try {
    const info = await new Promise<T>((resolve, reject) => {
      let out = "";
      const timer = setTimeout(() => reject(new Error(`${script} was not ready within 30 s: ${err}`)), 30_000);
      child.stdout.on("data", (b: Buffer) => {
        out += b.toString();
        const nl = out.indexOf("\n");
        if (nl < 0) return;
        clearTimeout(timer);
        resolve(JSON.parse(out.slice(0, nl)) as T);
      });
      void exited.then(() => reject(new Error(`${script} exited before it was ready: ${err}`)));
    });
    return { pid: child.pid!, info, child, [Symbol.asyncDispose]: stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
