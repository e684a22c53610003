import { runGit } from "./run-git.js";

/** The parts of a commit object a CommitMade event carries. */
export interface CommitObject {
  parents: string[];
  message: string;
}

/** Longest commit message carried whole; longer ones are cut (events are at most 1 MiB). */
const maxMessageBytes = 64 * 1024;

/** Reads a commit's parents and full message with `git cat-file commit`. */
export async function readCommit(root: string, sha: string): Promise<CommitObject> {
  const { stdout } = await runGit(["cat-file", "commit", sha], { cwd: root });
  const split = stdout.indexOf("\n\n");
  const header = split < 0 ? stdout : stdout.slice(0, split);
  const parents = header
    .split("\n")
    .filter((l) => l.startsWith("parent "))
    .map((l) => l.slice("parent ".length).trim());
  let message = split < 0 ? "" : stdout.slice(split + 2).replace(/\n+$/, "");
  if (Buffer.byteLength(message) > maxMessageBytes) {
    message = Buffer.from(message).subarray(0, maxMessageBytes).toString("utf8").replace(/\uFFFD+$/, "");
  }
  return { parents, message };
}
