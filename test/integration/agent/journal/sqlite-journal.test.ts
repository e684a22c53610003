import { tmpdir } from "node:os";
import { join } from "node:path";
import { create } from "@bufbuild/protobuf";
import { timestampNow } from "@bufbuild/protobuf/wkt";
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { EventSchema } from "../../../../gen/devtrace/v1/event_pb.js";
import { JournalFullError, SqliteJournal } from "../../../../agent/journal/sqlite-journal.js";
import { repoRoot } from "../../../helpers/server-process.js";

beforeAll(() => {
  // The SIGKILL test runs the journal in a child process from the compiled code.
  if (!existsSync(join(repoRoot, "dist/agent/journal/sqlite-journal.js"))) execFileSync("npx", ["tsc", "-p", "tsconfig.json"], { cwd: repoRoot, stdio: "inherit" });
});

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const newDir = () => {
  const d = mkdtempSync(join(tmpdir(), "devtrace-journal-"));
  dirs.push(d);
  return d;
};
const note = (text: string) => create(EventSchema, { sessionId: "cli", time: timestampNow(), kind: { case: "thought", value: { text } } });
const texts = (events: Awaited<ReturnType<SqliteJournal["readBatch"]>>) => events.map((e) => (e.kind.case === "thought" ? e.kind.value.text : ""));

describe("SqliteJournal", () => {
  it("assigns 1, 2, 3… and keeps events and seqs across a reopen", async () => {
    const dir = newDir();
    const j = await SqliteJournal.open({ dir });
    expect(await j.append(note("a"))).toBe(1n);
    expect(await j.append(note("b"))).toBe(2n);
    await j.close();
    const again = await SqliteJournal.open({ dir });
    expect(again.lastSeq()).toBe(2n);
    expect(await again.append(note("c"))).toBe(3n);
    expect(texts(await again.readBatch(1n, 10, 1 << 20))).toEqual(["a", "b", "c"]);
    await again.close();
  });

  it("trims only up to the ack and never reuses a seq, even when empty", async () => {
    const dir = newDir();
    const j = await SqliteJournal.open({ dir });
    for (const t of ["a", "b", "c"]) await j.append(note(t));
    await j.ack(2n);
    expect(texts(await j.readBatch(1n, 10, 1 << 20))).toEqual(["c"]);
    await j.ack(3n);
    await j.close();
    const again = await SqliteJournal.open({ dir });
    expect(again.ackedSeq()).toBe(3n);
    expect(await again.append(note("d"))).toBe(4n);
    await again.close();
  });

  it("reads batches within the event and byte limits, but always at least one event", async () => {
    const j = await SqliteJournal.open({ dir: newDir() });
    for (let i = 0; i < 10; i++) await j.append(note("x".repeat(1000)));
    expect((await j.readBatch(1n, 4, 1 << 20)).length).toBe(4);
    expect((await j.readBatch(1n, 100, 2500)).length).toBe(2);
    expect((await j.readBatch(1n, 100, 10)).length).toBe(1);
    expect((await j.readBatch(8n, 100, 1 << 20)).map((e) => e.seq)).toEqual([8n, 9n, 10n]);
    await j.close();
  });

  it("refuses appends beyond its disk bound and takes them again once acks free space", async () => {
    const j = await SqliteJournal.open({ dir: newDir(), limitBytes: 64 * 1024 });
    let refused: unknown;
    for (let i = 0; i < 200 && !refused; i++) await j.append(note("y".repeat(2000))).catch((e: unknown) => (refused = e));
    expect(refused).toBeInstanceOf(JournalFullError);
    const full = j.usage().bytes;
    await j.ack(j.lastSeq());
    expect(j.usage().bytes).toBeLessThan(full);
    expect(await j.append(note("room again"))).toBe(j.lastSeq());
    await j.close();
  });

  it("keeps every append that returned when its process is killed with SIGKILL", async () => {
    const dir = newDir();
    const script = `
      import { SqliteJournal } from ${JSON.stringify(join(repoRoot, "dist/agent/journal/sqlite-journal.js"))};
      import { create } from "@bufbuild/protobuf";
      import { EventSchema } from ${JSON.stringify(join(repoRoot, "dist/gen/devtrace/v1/event_pb.js"))};
      const j = await SqliteJournal.open({ dir: ${JSON.stringify(dir)} });
      for (let i = 1; ; i++) {
        const seq = await j.append(create(EventSchema, { sessionId: "cli", kind: { case: "thought", value: { text: "n" + i } } }));
        process.stdout.write(seq + "\\n");
      }`;
    const child = spawn(process.execPath, ["--input-type=module", "-e", script], { cwd: repoRoot, stdio: ["ignore", "pipe", "inherit"] });
    let confirmed = 0n;
    await new Promise<void>((resolve) => {
      child.stdout.on("data", (b: Buffer) => {
        const lines = b.toString().trim().split("\n");
        confirmed = BigInt(lines[lines.length - 1]);
        if (confirmed >= 200n) {
          child.kill("SIGKILL");
          resolve();
        }
      });
    });
    await new Promise((r) => child.once("exit", r));
    const j = await SqliteJournal.open({ dir });
    expect(j.lastSeq()).toBeGreaterThanOrEqual(confirmed);
    const all = await j.readBatch(1n, 100_000, 1 << 30);
    expect(all.map((e) => e.seq)).toEqual(Array.from({ length: all.length }, (_, i) => BigInt(i + 1)));
    await j.close();
  });
});
