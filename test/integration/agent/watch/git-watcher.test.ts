import { rmSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { Event } from "../../../../gen/devtrace/v1/event_pb.js";
import { startGitWatcher } from "../../../../agent/watch/git-watcher.js";
import type { GitWatcher } from "../../../../agent/watch/git-watcher.js";
import { pollUntil } from "../../../helpers/poll.js";
import { tempGitRepo } from "../../../helpers/temp-git-repo.js";
import type { TempGitRepo } from "../../../helpers/temp-git-repo.js";

function line(e: Event): string {
  const k = e.kind;
  switch (k.case) {
    case "commitMade":
      return `commit ${k.value.branch} ${k.value.message.split("\n")[0]}`;
    case "branchSwitched":
      return `switch ${k.value.fromBranch} -> ${k.value.toBranch}`;
    case "pushRemote":
      return `push ${k.value.remote} ${k.value.branch}`;
    default:
      return String(k.case);
  }
}

interface GitHarness extends AsyncDisposable {
  repo: TempGitRepo;
  watcher: GitWatcher;
  events: Event[];
  errors: Error[];
  waitFor(what: string, match: (e: Event) => boolean): Promise<Event>;
  /** Makes a marker commit, waits for it: every earlier git action has been reported. */
  settle(): Promise<void>;
  /** Event summaries without the marker commits. */
  lines(): string[];
}

let markers = 0;

async function gitHarness(setup: (repo: TempGitRepo) => void = seed): Promise<GitHarness> {
  const repo = tempGitRepo();
  setup(repo);
  const events: Event[] = [];
  const errors: Error[] = [];
  const watcher = await startGitWatcher({ root: repo.dir, onEvent: (e) => events.push(e), onError: (e) => errors.push(e) }).catch((err) => {
    repo[Symbol.dispose]();
    throw err;
  });
  const waitFor = (what: string, match: (e: Event) => boolean) =>
    pollUntil(what, () => events.find(match), { describe: () => JSON.stringify(events.map(line)) });
  return {
    repo,
    watcher,
    events,
    errors,
    waitFor,
    async settle() {
      const msg = `marker ${++markers}`;
      repo.git("commit", "-q", "--allow-empty", "-m", msg);
      await waitFor(msg, (e) => e.kind.case === "commitMade" && e.kind.value.message === msg);
      await watcher.flush();
    },
    lines: () => events.map(line).filter((l) => !/ marker \d+$/.test(l)),
    async [Symbol.asyncDispose]() {
      try {
        await watcher.close();
      } finally {
        repo[Symbol.dispose]();
      }
    },
  };
}

function seed(repo: TempGitRepo): void {
  repo.write("README.md", "hello\n");
  repo.git("add", "-A");
  repo.git("commit", "-q", "-m", "initial");
}

describe("startGitWatcher()", () => {
  it("reports each commit once, with sha, full message, branch and parents", async () => {
    await using h = await gitHarness();
    const parent = h.repo.git("rev-parse", "HEAD");

    h.repo.write("a.txt", "a\n");
    h.repo.git("add", "a.txt");
    h.repo.git("commit", "-q", "-m", "Fix the tier boundary", "-m", "Off by one in bulk discount.");
    const first = h.repo.git("rev-parse", "HEAD");
    h.repo.git("commit", "-q", "--allow-empty", "-m", "second");
    await h.settle();

    expect(h.lines()).toEqual(["commit main Fix the tier boundary", "commit main second"]);
    const made = h.events[0].kind;
    expect(made.case === "commitMade" && made.value).toMatchObject({
      sha: first,
      message: "Fix the tier boundary\n\nOff by one in bulk discount.",
      branch: "main",
      parentShas: [parent],
    });
    expect(h.watcher.stats()).toMatchObject({ commits: 3, branchSwitches: 0, pushes: 0 });
    expect(h.errors).toEqual([]);
  });

  it("says nothing about history made before it started", async () => {
    await using h = await gitHarness((repo) => {
      seed(repo);
      repo.git("checkout", "-q", "-b", "old");
      repo.git("commit", "-q", "--allow-empty", "-m", "before start");
    });

    await h.settle();

    expect(h.lines()).toEqual([]);
  });

  it("reports branch switches by git checkout -b and git switch, and commits on the new branch", async () => {
    await using h = await gitHarness();

    h.repo.git("checkout", "-q", "-b", "fix/tier");
    h.repo.git("commit", "-q", "--allow-empty", "-m", "on the fix branch");
    h.repo.git("switch", "-q", "main");
    h.repo.git("switch", "-q", "-c", "other");
    await h.settle();

    expect(h.lines()).toEqual(["switch main -> fix/tier", "commit fix/tier on the fix branch", "switch fix/tier -> main", "switch main -> other"]);
    const sw = h.events[0].kind;
    expect(sw.case === "branchSwitched" && sw.value.headSha).toBe(h.repo.git("rev-parse", "main"));
  });

  it("reports a merge commit with both parents and an amended commit", async () => {
    await using h = await gitHarness();
    h.repo.git("checkout", "-q", "-b", "topic");
    h.repo.git("commit", "-q", "--allow-empty", "-m", "topic work");
    h.repo.git("switch", "-q", "main");
    h.repo.git("commit", "-q", "--allow-empty", "-m", "main work");

    h.repo.git("merge", "-q", "--no-ff", "topic", "-m", "Merge topic");
    h.repo.git("commit", "-q", "--amend", "--allow-empty", "-m", "Merge topic (reworded)");
    await h.settle();

    expect(h.lines().slice(-2)).toEqual(["commit main Merge topic", "commit main Merge topic (reworded)"]);
    const merge = h.events.find((e) => line(e) === "commit main Merge topic")!.kind;
    expect(merge.case === "commitMade" && merge.value.parentShas).toHaveLength(2);
  });

  it("reports pushes to a local bare remote, not fetches", async () => {
    using remote = tempGitRepo({ bare: true });
    await using h = await gitHarness();
    h.repo.git("remote", "add", "origin", remote.dir);

    h.repo.git("push", "-q", "-u", "origin", "main");
    h.repo.git("checkout", "-q", "-b", "feature/x");
    h.repo.git("commit", "-q", "--allow-empty", "-m", "feature");
    const pushed = h.repo.git("rev-parse", "HEAD");
    h.repo.git("push", "-q", "origin", "feature/x");
    h.repo.git("fetch", "-q", "origin");
    await h.waitFor("the second push", (e) => line(e) === "push origin feature/x");
    await h.settle();

    expect(h.lines().filter((l) => l.startsWith("push"))).toEqual(["push origin main", "push origin feature/x"]);
    const push = h.events.find((e) => line(e) === "push origin feature/x")!.kind;
    expect(push.case === "pushRemote" && push.value.headSha).toBe(pushed);
  });

  it("sees the first commit of a fresh repository, made on a branch chosen before any commit", async () => {
    await using h = await gitHarness((repo) => repo.git("checkout", "-q", "-b", "dev"));

    h.repo.write("x.txt", "x\n");
    h.repo.git("add", "x.txt");
    h.repo.git("commit", "-q", "-m", "root commit");
    await h.settle();

    expect(h.lines()).toEqual(["commit dev root commit"]);
    const made = h.events[0].kind;
    expect(made.case === "commitMade" && made.value.parentShas).toEqual([]);
  });

  it("works in a linked worktree, where .git is a file", async () => {
    using main = tempGitRepo();
    seed(main);
    const wtDir = main.path("../wt");
    main.git("worktree", "add", "-q", "-b", "wt-branch", wtDir);
    const events: Event[] = [];
    await using watcher = await startGitWatcher({ root: wtDir, onEvent: (e) => events.push(e) });

    main.git("-C", wtDir, "commit", "-q", "--allow-empty", "-m", "in the worktree");
    main.git("commit", "-q", "--allow-empty", "-m", "in the main checkout");
    await pollUntil("the worktree commit", () => events.length > 0);
    main.git("-C", wtDir, "commit", "-q", "--allow-empty", "-m", "second in the worktree");
    await pollUntil("the second worktree commit", () => events.length > 1, { describe: () => JSON.stringify(events.map(line)) });
    await watcher.flush();

    expect(events.map(line)).toEqual(["commit wt-branch in the worktree", "commit wt-branch second in the worktree"]);
  });

  it("rejects a directory that is not a git repository, naming it", async () => {
    using repo = tempGitRepo();
    rmSync(repo.path(".git"), { recursive: true });

    await expect(startGitWatcher({ root: repo.dir, onEvent: () => {} })).rejects.toThrow(`git capture: cannot watch ${repo.dir}`);
  });
});
