import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { create } from "@bufbuild/protobuf";
import { afterEach, describe, expect, it } from "vitest";
import { EventSchema, type Event } from "../../../../gen/devtrace/v1/event_pb.js";
import { awayChanges } from "../../../../agent/watch/away-changes.js";
import { Baseline } from "../../../../agent/watch/baseline.js";
import { sha256Hex } from "../../../../agent/watch/read-file-state.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), "devtrace-baseline-"));
  dirs.push(d);
  return d;
}
const edit = (seq: number, path: string, before: string, after: string): Event =>
  create(EventSchema, { seq: BigInt(seq), sessionId: "watcher", kind: { case: "fileEdit", value: { path, beforeSha256: sha256Hex(before), afterSha256: sha256Hex(after) } } });
const text = (content: string) => ({ kind: "text" as const, content, sha256: sha256Hex(content), executable: false });
async function* spooled(events: Event[]): AsyncGenerator<Event> {
  yield* events;
}

describe("Baseline", () => {
  it("survives a restart with the recorded state, and diffs what changed meanwhile against it", async () => {
    const dir = join(tmp(), "baseline");
    const first = Baseline.open(dir, tmp());
    expect(first.fresh).toBe(true);
    first.keep(sha256Hex("v0\n"), "v0\n");
    first.reset(new Map([["a.txt", { sha256: sha256Hex("v0\n") }]]));
    first.keep(sha256Hex("v1\n"), "v1\n");
    first.advance(edit(1, "a.txt", "v0\n", "v1\n"), 1n);

    const again = Baseline.open(dir, tmp());
    expect(again.fresh).toBe(false);
    expect(again.lastSeq).toBe(1n);
    expect(await again.content("a.txt")).toBe("v1\n");
    const changes = await awayChanges(again, [["a.txt", text("v2\n")], ["new.txt", text("n\n")]]);
    expect(changes.map((c) => c.type)).toEqual(["edit", "created"]);
    expect(changes[0]).toMatchObject({ before: { content: "v1\n" }, after: { content: "v2\n" } });
  });

  it("catches up with events spooled after its last advance (an agent killed in between)", async () => {
    const dir = join(tmp(), "baseline");
    const b = Baseline.open(dir, tmp());
    b.reset(new Map([["a.txt", { sha256: sha256Hex("v0\n") }]]));
    b.advance(edit(1, "a.txt", "v0\n", "v1\n"), 1n);
    b.keep(sha256Hex("v2\n"), "v2\n"); // written before the event was emitted; the kill came before advance()
    const reopened = Baseline.open(dir, tmp());
    expect(await reopened.catchUp(spooled([edit(1, "a.txt", "v0\n", "v1\n"), edit(2, "a.txt", "v1\n", "v2\n")]))).toBe(1);
    expect(reopened.recorded().get("a.txt")?.sha256).toBe(sha256Hex("v2\n"));
    expect(reopened.lastSeq).toBe(2n);
    // The disk still holds v2: nothing changed while away, nothing is recorded twice.
    expect(await awayChanges(reopened, [["a.txt", text("v2\n")]])).toEqual([]);
  });

  it("records a deletion and a creation when the recorded bytes are gone, so the hashes still chain", async () => {
    const dir = join(tmp(), "baseline");
    const b = Baseline.open(dir, tmp());
    b.reset(new Map([["a.txt", { sha256: sha256Hex("lost\n") }]]));
    const changes = await awayChanges(Baseline.open(dir, tmp()), [["a.txt", text("now\n")]]);
    expect(changes).toMatchObject([
      { type: "deleted", path: "a.txt", sha256: sha256Hex("lost\n") },
      { type: "created", path: "a.txt", after: { sha256: sha256Hex("now\n") } },
    ]);
  });
});
