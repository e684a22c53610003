import { describe, expect, it } from "vitest";
import { displayRows } from "../../../web/src/output-view.js";
import { diffRows } from "../../../web/src/diff-view.js";
import { visibleControls } from "../../../web/src/format.js";
import { filterFromQuery } from "../../../web/src/list-filter.js";
import { TraceStatus } from "../../../gen/devtrace/v1/trace_pb.js";

describe("visibleControls()", () => {
  it.each([
    ["\u001b]8;;javascript:alert(1)\u0007x\u001b]8;;\u0007", "␛]8;;javascript:alert(1)␇x␛]8;;␇"],
    ["a\tb\nc", "a\tb\nc"],
    ["\u0000\u007f\u009b", "␀␡\\x9b"],
    ["<script>", "<script>"],
  ])("shows %j as %j", (input, want) => expect(visibleControls(input)).toBe(want));
});

describe("displayRows()", () => {
  it("cuts 10 MB of one line into rows of at most 2000 characters, losing nothing", () => {
    const line = "x".repeat(10 * 1024 * 1024);
    const rows = displayRows(line);
    expect(rows.length).toBe(Math.ceil(line.length / 2000));
    expect(Math.max(...rows.map((r) => r.length))).toBe(2000);
    expect(rows.join("")).toBe(line);
  });
});

describe("diffRows()", () => {
  it("numbers old and new lines of each hunk", () => {
    const rows = diffRows("--- a/f\n+++ b/f\n@@ -3,2 +3,2 @@\n keep\n-old\n+new\n");
    expect(rows.map((r) => [r.kind, r.oldNo, r.newNo, r.text])).toEqual([
      ["file", undefined, undefined, "a/f → b/f"],
      ["hunk", undefined, undefined, "@@ -3,2 +3,2 @@"],
      ["ctx", 3, 3, "keep"],
      ["del", 4, undefined, "old"],
      ["add", undefined, 4, "new"],
    ]);
  });

  it("says a diff is unreadable instead of throwing", () => {
    expect(diffRows("@@ -1,5 +1,1 @@\n-a\n")[0].text).toMatch(/unreadable diff/);
  });
});

describe("filterFromQuery()", () => {
  const q = (s: string) => filterFromQuery(new URLSearchParams(s));
  it("reads every filter", () => {
    const r = q("developer=alice&status=DONE&status=FAILED&repo=r&since=2026-01-02&until=2026-01-02&min=0.25&max=0.75");
    if ("error" in r) throw new Error(r.error);
    expect(r.value.developerId).toBe("alice");
    expect(r.value.statuses).toEqual([TraceStatus.DONE, TraceStatus.FAILED]);
    expect(r.value.repoUrl).toBe("r");
    expect(Number(r.value.createdAfter!.seconds) * 1000).toBe(Date.UTC(2026, 0, 2));
    expect(Number(r.value.createdBefore!.seconds) * 1000).toBe(Date.UTC(2026, 0, 3));
    expect([r.value.minScore, r.value.maxScore]).toEqual([0.25, 0.75]);
  });
  it.each([
    ["status=NOPE", "status"],
    ["status=TRACE_STATUS_UNSPECIFIED", "status"],
    ["since=yesterday", "since"],
    ["until=2026-13-45", "until"],
    ["min=2", "min score"],
    ["max=abc", "max score"],
    ["min=0.8&max=0.2", "min score"],
  ])("rejects %s naming %s", (query, field) => {
    const r = q(query);
    expect("error" in r && r.error.startsWith(field)).toBe(true);
  });
});
