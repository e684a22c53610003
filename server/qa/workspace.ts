import type { PatchMethod } from "./apply-patch.js";

/** The repository and commit a trace's task names. */
export interface RepoRef {
  repoUrl: string;
  baseCommit: string;
}

/**
 * Two checked-out trees on the host: the base commit with the test layers, and the base
 * commit with the final patch and the reference tests.
 */
export interface PreparedTrees {
  baseDir: string;
  patchedDir: string;
  patchMethod: PatchMethod;
  /** Removes every temporary file; safe to call twice. */
  dispose(): Promise<void>;
}

/** What goes on each tree beyond the final patch. */
export interface TreeLayers {
  /** The test part of the final patch: the base tree gets it too. Default none. */
  testPatch?: string;
  /** The task's reference test_patch, applied last on both trees over files reset to the base commit. */
  referencePatch?: string;
}

/** Fetches a task's repository and prepares the trees QA runs tests on. */
export interface Workspace {
  /**
   * Throws QaError "repo_unavailable" (URL shown with credentials masked) or
   * "patch_failed" (git's message); leaves nothing on disk when it throws.
   */
  prepare(repo: RepoRef, finalPatch: string, layers?: TreeLayers): Promise<PreparedTrees>;
}
