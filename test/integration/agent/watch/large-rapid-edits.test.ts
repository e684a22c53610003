import { describe, expect, it } from "vitest";
import type { FileEdit } from "../../../../gen/devtrace/v1/event_pb.js";
import { sha, watchHarness } from "./watch-harness.js";

const lines = 10_000;
const version = (v: number, changed: number) =>
  Array.from({ length: lines }, (_, i) => (i % Math.max(1, Math.floor(lines / changed)) === 0 && v > 0 ? `line ${i} edited in save ${v}` : `line ${i} unchanged text`)).join("\n") + "\n";

describe("large and rapid saves of a 10 000-line file", () => {
  it("never yields an unflagged empty diff, keeps the sha chain, and counts lines right", { timeout: 120_000 }, async () => {
    await using h = await watchHarness({ "big.txt": version(0, 0) });
    // 50 saves as fast as the disk takes them (coalesced by the quiet period), then one that
    // rewrites 4 000 lines (too large a diff for one event).
    for (let v = 1; v <= 50; v++) h.repo.write("big.txt", version(v, 20));
    await h.settle();
    h.repo.write("big.txt", version(51, 4000));
    await h.settle();
    const edits = h.visible().flatMap((e) => (e.kind.case === "fileEdit" ? [e.kind.value] : [])) as FileEdit[];
    expect(edits.length).toBeGreaterThanOrEqual(2);
    let at = sha(version(0, 0));
    for (const e of edits) {
      expect(e.beforeSha256).toBe(at);
      at = e.afterSha256;
      expect(e.unifiedDiff !== "" || e.wholeFile, "an empty diff must be flagged whole_file").toBe(true);
      expect(e.linesAdded + e.linesRemoved).toBeGreaterThan(0);
    }
    expect(at).toBe(sha(version(51, 4000)));
    const last = edits.at(-1)!;
    expect(last.wholeFile).toBe(true);
    // Save 50 edited every 500th line, save 51 every 2nd: 5 000 lines differ each way.
    expect([last.linesAdded, last.linesRemoved]).toEqual([5000, 5000]);
    expect(h.errors).toEqual([]);
  });
});
