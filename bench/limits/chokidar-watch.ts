/**
 * Part 7's watcher limit: bare chokidar on the same repository (its .git ignored), doing
 * nothing with what it sees but report it. Prints { ready: true } once its initial scan is
 * done, then one { path, t } line (t = Date.now()) per change; runs until SIGTERM.
 */
import { watch } from "chokidar";
import { childInput } from "../lib/child-task.js";

/** What the parent passes. */
export interface ChokidarInput {
  dir: string;
}

const input = childInput<ChokidarInput>();
const w = watch(input.dir, { ignored: (p: string) => p.includes("/.git"), ignoreInitial: true, followSymlinks: false });
w.on("change", (path) => process.stdout.write(`${JSON.stringify({ path, t: Date.now() })}\n`));
w.on("add", (path) => process.stdout.write(`${JSON.stringify({ path, t: Date.now() })}\n`));
w.once("ready", () => process.stdout.write(`${JSON.stringify({ ready: true })}\n`));
process.once("SIGTERM", () => void w.close().then(() => process.exit(0)));
