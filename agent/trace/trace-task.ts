import { release, type as osType, userInfo } from "node:os";
import { basename } from "node:path";
import type { ClientEnv } from "../config.js";
import { agentVersion } from "../agent-version.js";
import { currentBranch, git, headCommit, repoUrl } from "../repo/git-repo.js";
import type { TraceTask } from "./trace-file.js";
import type { TraceIdentity } from "./trace-registration.js";

/** The task of a new trace: the given text and test settings, the repository at HEAD. */
export async function newTraceTask(root: string, given: { description?: string; testCommand?: string; testImage?: string }): Promise<TraceTask> {
  return {
    description: given.description ?? "",
    repoUrl: await repoUrl(root),
    baseCommit: await headCommit(root),
    branch: await currentBranch(root),
    testImage: given.testImage ?? "",
    testCommand: given.testCommand ?? "",
  };
}

/**
 * Who records: the git identity of the repository. The developer id is left empty so the
 * server fills in the ingest token's own developer id.
 */
export async function traceIdentity(root: string, env: ClientEnv): Promise<TraceIdentity> {
  // An unset git identity is normal; the OS user name stands in for it.
  const name = (await git(root, ["config", "user.name"]).catch(() => "")) || userInfo().username;
  const email = await git(root, ["config", "user.email"]).catch(() => "");
  return {
    developerId: "",
    developerName: name,
    developerEmail: email,
    os: `${osType()} ${release()}`.slice(0, 256),
    shell: basename(env.shell),
    agentVersion: agentVersion(),
  };
}
