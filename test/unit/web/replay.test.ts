import { create } from "@bufbuild/protobuf";
import { createPatch } from "diff";
import { describe, expect, it } from "vitest";
import { EventSchema } from "../../../gen/devtrace/v1/event_pb.js";
import type { Event } from "../../../gen/devtrace/v1/event_pb.js";
import { Replayer, applyEvent, emptyReplay, isComplete } from "../../../web/src/replay.js";
import type { ReplayFile } from "../../../web/src/replay.js";

let seq = 0n;
const ev = (kind: Event["kind"]): Event => create(EventSchema, { seq: ++seq, sessionId: "watcher", kind });
const edit = (path: string, before: string, after: string) =>
  ev({ case: "fileEdit", value: { path, unifiedDiff: createPatch(`a/${path}`, before, after, "", "", { context: 3 }), beforeSha256: "", afterSha256: "", linesAdded: 0, linesRemoved: 0 } as never });
const created = (path: string, text: string) =>
  ev({ case: "fileCreated", value: { path, sha256: "", sizeBytes: BigInt(text.length), unifiedDiff: createPatch(`b/${path}`, "", text) } as never });

/** The file as text, gaps written as [gap N] / [rest]. */
function show(f: ReplayFile | undefined): string[] {
  return (f?.pieces ?? []).map((p) => (typeof p === "string" ? p : Number.isFinite(p.gap) ? `[gap ${p.gap}]` : "[rest]"));
}

const base = Array.from({ length: 30 }, (_, i) => `line ${i + 1}`).join("\n") + "\n";

describe("applyEvent()", () => {
  it("keeps what a diff shows and marks what it does not as gaps of known length", () => {
    const s = emptyReplay();
    applyEvent(s, edit("a.py", base, base.replace("line 10\n", "LINE TEN\n")));
    expect(show(s.files.get("a.py"))).toEqual(["[gap 6]", "line 7", "line 8", "line 9", "LINE TEN", "line 11", "line 12", "line 13", "[rest]"]);
    expect(isComplete(s.files.get("a.py")!)).toBe(false);
  });

  it("applies several hunks and later edits on top of earlier ones, line numbers intact", () => {
    const s = emptyReplay();
    const v1 = base.replace("line 2\n", "line 2\nnew 2b\n").replace("line 25\n", "");
    applyEvent(s, edit("a.py", base, v1));
    const v2 = v1.replace("line 12\n", "twelve\n");
    applyEvent(s, edit("a.py", v1, v2));
    const f = s.files.get("a.py")!;
    expect(f.conflicts).toBe(0);
    const lines = show(f);
    expect(lines.slice(0, 6)).toEqual(["line 1", "line 2", "new 2b", "line 3", "line 4", "line 5"]);
    // Line 12 of the base is line 13 after the insertion above it.
    let no = 0;
    const at: Record<string, number> = {};
    for (const l of lines) {
      const m = /^\[gap (\d+)\]$/.exec(l);
      if (m) no += Number(m[1]);
      else at[l] = ++no;
    }
    expect(at.twelve).toBe(13);
    expect(lines).not.toContain("line 25");
    expect(lines).toContain("line 24");
    expect(lines).toContain("line 26");
  });

  it("knows a created file whole, then follows its edits, renames and deletion", () => {
    const s = emptyReplay();
    applyEvent(s, created("n.txt", "a\nb\nc\n"));
    expect(isComplete(s.files.get("n.txt")!)).toBe(true);
    applyEvent(s, edit("n.txt", "a\nb\nc\n", "a\nB\nc\nd\n"));
    expect(show(s.files.get("n.txt"))).toEqual(["a", "B", "c", "d"]);
    applyEvent(s, ev({ case: "fileRenamed", value: { oldPath: "n.txt", newPath: "m.txt", sha256: "" } as never }));
    expect(s.files.has("n.txt")).toBe(false);
    expect(show(s.files.get("m.txt"))).toEqual(["a", "B", "c", "d"]);
    applyEvent(s, ev({ case: "fileDeleted", value: { path: "m.txt", beforeSha256: "" } as never }));
    expect(s.files.has("m.txt")).toBe(false);
    expect(s.deleted.has("m.txt")).toBe(true);
  });

  it("counts a change whose context disagrees with known lines, and trusts the newer diff", () => {
    const s = emptyReplay();
    applyEvent(s, created("c.txt", "x\ny\nz\n"));
    applyEvent(s, edit("c.txt", "x\nY-other\nz\n", "x\nfixed\nz\n"));
    const f = s.files.get("c.txt")!;
    expect(f.conflicts).toBe(1);
    expect(show(f)).toEqual(["x", "fixed", "z"]);
  });

  it("ignores a diff it cannot parse rather than inventing content", () => {
    const s = emptyReplay();
    applyEvent(s, ev({ case: "fileEdit", value: { path: "b.py", unifiedDiff: "@@ nonsense <script>", beforeSha256: "", afterSha256: "", linesAdded: 0, linesRemoved: 0 } as never }));
    expect(show(s.files.get("b.py"))).toEqual(["[rest]"]);
  });
});

describe("Replayer", () => {
  it("gives the same files at every step whether reached forwards, backwards or fresh", () => {
    const events: Event[] = [created("f.txt", "0\n")];
    let text = "0\n";
    for (let i = 1; i <= 40; i++) {
      const next = `${text}${i}\n`;
      events.push(edit("f.txt", text, next));
      text = next;
    }
    const r = new Replayer(events, 7);
    const want = (step: number) => show(new Replayer(events, 1000).at(step).files.get("f.txt"));
    for (const step of [40, 3, 21, 14, 0, 39, -1]) expect(show(r.at(step).files.get("f.txt"))).toEqual(want(step));
    expect(show(r.at(40).files.get("f.txt"))).toEqual(Array.from({ length: 41 }, (_, i) => String(i)));
    expect(r.at(-1).files.size).toBe(0);
  });
});
