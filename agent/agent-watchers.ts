import type { Logger } from "pino";
import type { Event } from "../gen/devtrace/v1/event_pb.js";
import type { AgentWatcher } from "./agent-ports.js";
import type { Baseline } from "./watch/baseline.js";
import { startGitWatcher } from "./watch/git-watcher.js";
import { startRepoWatcher } from "./watch/repo-watcher.js";

/**
 * The file watcher (edits, creations, deletions, renames) and the git watcher (commits,
 * branch switches, pushes) of one working tree, started together and closed together.
 * Their failures are logged; capture goes on.
 */
export async function startAgentWatchers(options: { root: string; exclude: string[]; onEvent: (event: Event) => void; logger: Logger; baseline?: Baseline }): Promise<AgentWatcher> {
  const { root, onEvent, logger } = options;
  const onError = (err: Error) => logger.warn({ err }, "watcher error");
  const files = await startRepoWatcher({ root, onEvent, onError, logger, exclude: options.exclude, baseline: options.baseline });
  let git: Awaited<ReturnType<typeof startGitWatcher>>;
  try {
    git = await startGitWatcher({ root, onEvent, onError, logger });
  } catch (err) {
    await files.close();
    throw err;
  }
  return {
    flush: async () => {
      await files.flush();
      await git.flush();
    },
    close: async () => {
      const results = await Promise.allSettled([files.close(), git.close()]);
      const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
      if (failed) throw new Error("closing the watchers failed", { cause: failed.reason });
    },
  };
}
