/** One reflog entry: `<old> <new> <name> <email> <unix-time> <tz>\t<message>`. */
export interface ReflogEntry {
  oldSha: string;
  newSha: string;
  /** Seconds since the epoch, as git wrote it. */
  time: number;
  message: string;
}

/** What a HEAD or remote-tracking reflog entry means for the trace. */
export type ReflogAction =
  /** A new commit became HEAD (commit, amend, merge, cherry-pick, revert, rebase pick…). */
  | { kind: "commit" }
  /** `git checkout` / `git switch` moved HEAD; `to` is a branch name or a detached revision. */
  | { kind: "checkout"; from: string; to: string }
  /** HEAD left any branch (rebase started) or came back to one (rebase finished, branch renamed). */
  | { kind: "branch"; branch: string }
  /** A remote-tracking ref moved because of `git push`. */
  | { kind: "push" }
  /** Anything else (reset, fetch, fast-forward, rebase bookkeeping). */
  | { kind: "other" };

const sha = "[0-9a-f]{40}(?:[0-9a-f]{24})?";
const lineRe = new RegExp(`^(${sha}) (${sha}) .*? (\\d+) [+-]\\d{4}(?:\\t(.*))?$`);

/** Parses one reflog line; undefined when it is not one (torn write, foreign format). */
export function parseReflogLine(line: string): ReflogEntry | undefined {
  const m = lineRe.exec(line);
  if (!m) return undefined;
  return { oldSha: m[1], newSha: m[2], time: Number(m[3]), message: m[4] ?? "" };
}

/** Messages of reflog entries that record a commit just created (git's own wording). */
const commitRes = [
  /^commit(?: \([a-z -]+\))?: /,
  /^(?:cherry-pick|revert)(?: \([a-z -]+\))?: /,
  /^(?:merge|pull)\b[^:]*: Merge made by /,
  /^(?:rebase|pull)\b[^(:]*\((?:pick|reword|edit|squash|fixup)\): /,
];

/** Classifies a reflog message. */
export function classifyReflog(message: string): ReflogAction {
  if (commitRes.some((re) => re.test(message))) return { kind: "commit" };
  let m = /^checkout: moving from (\S+) to (\S+)$/.exec(message);
  if (m) return { kind: "checkout", from: m[1], to: m[2] };
  m = /^(?:rebase|pull)\b[^(:]*\((?:finish|abort)\): returning to refs\/heads\/(\S+)$/.exec(message);
  if (m) return { kind: "branch", branch: m[1] };
  if (/^(?:rebase|pull)\b[^(:]*\(start\): /.test(message)) return { kind: "branch", branch: "" };
  m = /^Branch: renamed refs\/heads\/\S+ to refs\/heads\/(\S+)$/.exec(message);
  if (m) return { kind: "branch", branch: m[1] };
  if (/^update by push\b/.test(message)) return { kind: "push" };
  return { kind: "other" };
}

/** True for the all-zero sha git writes for a ref that is created or deleted. */
export function isNullSha(s: string): boolean {
  return /^0+$/.test(s);
}
