/** File and git capture of the agent, and the final patch of a trace. */
export { startRepoWatcher } from "./repo-watcher.js";
export type { RepoWatcher, RepoWatcherOptions, RepoWatcherStats } from "./repo-watcher.js";
export { startGitWatcher } from "./git-watcher.js";
export type { GitWatcher, GitWatcherOptions, GitWatcherStats } from "./git-watcher.js";
export { finalPatch } from "./final-patch.js";
export type { FinalPatchOptions } from "./final-patch.js";
