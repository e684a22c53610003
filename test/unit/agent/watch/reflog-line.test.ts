import { describe, expect, it } from "vitest";
import { classifyReflog, isNullSha, parseReflogLine } from "../../../../agent/watch/reflog-line.js";
import type { ReflogAction } from "../../../../agent/watch/reflog-line.js";

const a = "ce567d04aba364f1ff77e16627fab3b1a8fbc26c";
const b = "df7c56d5d0ce45e02ee47f92c3c9585f5df26971";

describe("parseReflogLine()", () => {
  it("reads both shas, the time and the message, whatever the committer's name holds", () => {
    const line = `${a} ${b} Ana María de la Cruz <ana@example.test> 1795316651 -0230\tcommit: fix: tab\tinside`;

    expect(parseReflogLine(line)).toEqual({ oldSha: a, newSha: b, time: 1795316651, message: "commit: fix: tab\tinside" });
  });

  it("accepts an entry without a message and SHA-256 object names", () => {
    const long = "f".repeat(64);

    expect(parseReflogLine(`${long} ${long} x <x@y> 1 +0000`)).toMatchObject({ message: "" });
  });

  it.each(["", "garbage", `${a} ${b} x <x@y>`, `${a.slice(0, 30)} ${b} x <x@y> 1 +0000\tcommit: torn`])(
    "rejects %j",
    (line) => {
      expect(parseReflogLine(line)).toBeUndefined();
    },
  );
});

describe("classifyReflog()", () => {
  const table: Array<[message: string, action: ReflogAction]> = [
    ["commit (initial): first", { kind: "commit" }],
    ["commit: two", { kind: "commit" }],
    ["commit (amend): amended merge", { kind: "commit" }],
    ["commit (merge): Merge branch 'x'", { kind: "commit" }],
    ["cherry-pick: nine", { kind: "commit" }],
    ['revert: Revert "nine"', { kind: "commit" }],
    ["merge feat: Merge made by the 'ort' strategy.", { kind: "commit" }],
    ["pull: Merge made by the 'ort' strategy.", { kind: "commit" }],
    ["rebase (pick): three", { kind: "commit" }],
    ["rebase -i (fixup): empty", { kind: "commit" }],
    ["pull -q --rebase (pick): local work", { kind: "commit" }],
    ["pull --rebase (start): checkout 1f2e3d4", { kind: "branch", branch: "" }],
    ["pull --rebase --autostash (finish): returning to refs/heads/main", { kind: "branch", branch: "main" }],
    ["merge feat: Fast-forward", { kind: "other" }],
    ["pull: Fast-forward", { kind: "other" }],
    ["reset: moving to HEAD~1", { kind: "other" }],
    ["checkout: moving from main to feat", { kind: "checkout", from: "main", to: "feat" }],
    [`checkout: moving from ${a} to main`, { kind: "checkout", from: a, to: "main" }],
    ["rebase (start): checkout feat", { kind: "branch", branch: "" }],
    ["rebase (finish): returning to refs/heads/main", { kind: "branch", branch: "main" }],
    ["rebase (abort): returning to refs/heads/topic/x", { kind: "branch", branch: "topic/x" }],
    ["Branch: renamed refs/heads/main to refs/heads/trunk", { kind: "branch", branch: "trunk" }],
    ["update by push", { kind: "push" }],
    ["fetch: fast-forward", { kind: "other" }],
    ["pull: storing head", { kind: "other" }],
  ];

  it.each(table)("classifies %j", (message, action) => {
    expect(classifyReflog(message)).toEqual(action);
  });
});

describe("isNullSha()", () => {
  it("recognises git's all-zero sha only", () => {
    expect(isNullSha("0".repeat(40))).toBe(true);
    expect(isNullSha(a)).toBe(false);
  });
});
