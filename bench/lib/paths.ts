import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The checkout root: this file runs as dist/bench/lib/paths.js. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

/** A compiled bench script (dist/bench/…), for child processes that run a limit. */
export function benchScript(relative: string): string {
  return join(repoRoot, "dist", "bench", relative);
}
