import { resolve } from "node:path";
import type { ClientEnv } from "../config.js";
import { findRepo, type GitRepo } from "../repo/git-repo.js";
import { stateDirOf, type StateDir } from "../state/state-dir.js";

/** A repository and where its agent keeps its state. */
export interface AgentLocation {
  repo: GitRepo;
  state: StateDir;
}

/**
 * The repository a command is about: --repo, else the recorded shell's repository
 * (DEVTRACE_REPO, so `devtrace note` works from any directory inside a recorded shell),
 * else the one containing the current directory.
 */
export async function locateAgent(repoFlag: string | undefined, env: ClientEnv, cwd: string = process.cwd()): Promise<AgentLocation> {
  const dir = repoFlag ? resolve(cwd, repoFlag) : (env.repo ?? cwd);
  const repo = await findRepo(dir);
  return { repo, state: stateDirOf(repo) };
}
