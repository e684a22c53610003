import { appendFileSync, copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Writable } from "node:stream";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { Spool } from "../../../../agent/spool/index.js";
import { scanSegment } from "../../../../agent/spool/segment-scan.js";
import { tempDir, thought, thoughtNumber } from "./spool-events.js";

let cleanup: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanup) c();
  cleanup = [];
});

function dir(): string {
  const t = tempDir("spool-rec-");
  cleanup.push(t.remove);
  return t.dir;
}

const segmentFiles = (d: string) => readdirSync(d).filter((n) => n.startsWith("segment-")).sort().map((n) => join(d, n));

/** A spool with events 1..n, closed; returns its directory. */
async function written(n: number, segmentBytes = 8 * 1024 * 1024): Promise<string> {
  const d = dir();
  const spool = await Spool.open({ dir: d, segmentBytes });
  for (let i = 1; i <= n; i++) await spool.append(thought(i));
  await spool.close();
  return d;
}

/** Offsets of the records of a segment file, by seq. */
function recordsOf(file: string): Map<bigint, { offset: number; end: number }> {
  const name = /segment-(\d+)\.log$/.exec(file)?.[1] ?? "0";
  return new Map(scanSegment(readFileSync(file), BigInt(name)).records.map((r) => [r.seq, r]));
}

function flipBit(file: string, offset: number, bit = 3): void {
  const buf = readFileSync(file);
  buf[offset] = (buf[offset] ?? 0) ^ (1 << bit);
  writeFileSync(file, buf);
}

/** A logger whose records land in `lines`. */
function capture(): { logger: pino.Logger; lines: Array<{ level: number; msg: string }> } {
  const lines: Array<{ level: number; msg: string }> = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()) as { level: number; msg: string });
      done();
    },
  });
  return { logger: pino({ level: "info" }, stream), lines };
}

/** The thought numbers read back; 0 stands for a RecordLost event in a lost seq. */
async function contents(spool: Spool): Promise<number[]> {
  return (await spool.readBatch(1n, 100_000, 1 << 30)).map((e) => (e.kind.case === "recordLost" ? 0 : thoughtNumber(e)));
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe("Spool.open() recovery", () => {
  it("cuts a torn last record at every byte offset and continues with its seq", async () => {
    const d = await written(5);
    const [file] = segmentFiles(d);
    const original = readFileSync(file ?? "");
    const last = recordsOf(file ?? "").get(5n);
    expect(last).toBeDefined();
    for (let cut = last?.offset ?? 0; cut < (last?.end ?? 0); cut++) {
      const t = dir();
      writeFileSync(join(t, "segment-00000000000000000001.log"), original.subarray(0, cut));
      const spool = await Spool.open({ dir: t });
      try {
        expect(spool.recovery.truncatedBytes).toBe(cut - (last?.offset ?? 0));
        expect(spool.recovery.lost).toEqual([]);
        expect(await contents(spool)).toEqual([1, 2, 3, 4]);
        expect(await spool.append(thought(6))).toBe(5n);
        expect(await contents(spool)).toEqual([1, 2, 3, 4, 6]);
      } finally {
        await spool.close();
      }
    }
  });

  it("cuts a zero-filled tail left by a power loss", async () => {
    const d = await written(5);
    appendFileSync(segmentFiles(d)[0] ?? "", Buffer.alloc(4096));
    await using spool = await Spool.open({ dir: d });
    expect(spool.recovery.truncatedBytes).toBe(4096);
    expect(await contents(spool)).toEqual(range(1, 5));
    expect(spool.nextSeq()).toBe(6n);
  });

  it.each([
    ["payload", 40],
    ["length field", 1],
    ["checksum", 5],
    ["seq field", 9],
  ])("keeps every other record when a bit of a middle record's %s flips, and says loudly which seq is lost", async (_what, at) => {
    const d = await written(10);
    const [file] = segmentFiles(d);
    flipBit(file ?? "", (recordsOf(file ?? "").get(5n)?.offset ?? 0) + at);
    const { logger, lines } = capture();
    await using spool = await Spool.open({ dir: d, logger });
    expect(await contents(spool)).toEqual([1, 2, 3, 4, 0, 6, 7, 8, 9, 10]);
    expect(spool.recovery.lost).toMatchObject([{ from: 5n, to: 5n }]);
    expect(spool.recovery.quarantined).toHaveLength(1);
    expect(readdirSync(join(d, "corrupt"))).toHaveLength(1);
    expect(lines.some((l) => l.level >= 50 && /damaged/.test(l.msg))).toBe(true);
    expect(spool.stats()).toMatchObject({ recorded: 10n, queued: 9n, lostEvents: 1n });
    expect(await spool.append(thought(11))).toBe(11n);
  });

  it("does not reuse the seq of a damaged last record (it may have been sent)", async () => {
    const d = await written(10);
    const [file] = segmentFiles(d);
    flipBit(file ?? "", (recordsOf(file ?? "").get(10n)?.offset ?? 0) + 60);
    await using spool = await Spool.open({ dir: d });
    expect(await contents(spool)).toEqual([...range(1, 9), 0]);
    expect(spool.recovery.lost).toMatchObject([{ from: 10n, to: 10n }]);
    expect(await spool.append(thought(11))).toBe(11n);
  });

  it("repairs a damaged record in an older segment and keeps the segments after it", async () => {
    const d = await written(60, 4 * 1024);
    const files = segmentFiles(d);
    expect(files.length).toBeGreaterThan(3);
    const middle = files[1] ?? "";
    const [seq, rec] = [...recordsOf(middle)][2] ?? [0n, { offset: 0 }];
    flipBit(middle, rec.offset + 100);
    await using spool = await Spool.open({ dir: d, segmentBytes: 4 * 1024 });
    expect(await contents(spool)).toEqual(range(1, 60).map((n) => (BigInt(n) === seq ? 0 : n)));
    expect(spool.recovery.lost).toMatchObject([{ from: seq, to: seq }]);
  });

  it("salvages the records of a segment whose header is damaged", async () => {
    const d = await written(60, 4 * 1024);
    const middle = segmentFiles(d)[1] ?? "";
    flipBit(middle, 2);
    await using spool = await Spool.open({ dir: d, segmentBytes: 4 * 1024 });
    expect(await contents(spool)).toEqual(range(1, 60));
    expect(spool.recovery.lost).toEqual([]);
    expect(spool.recovery.quarantined).toHaveLength(1);
  });

  it("reports the seqs of a segment file that went missing", async () => {
    const d = await written(60, 4 * 1024);
    const middle = segmentFiles(d)[1] ?? "";
    const seqs = [...recordsOf(middle).keys()];
    rmSync(middle);
    await using spool = await Spool.open({ dir: d, segmentBytes: 4 * 1024 });
    expect(spool.recovery.lost).toMatchObject([{ from: seqs[0], to: seqs.at(-1) }]);
    expect(await contents(spool)).toEqual(range(1, 60).map((n) => (seqs.includes(BigInt(n)) ? 0 : n)));
  });

  it("removes a half-written temporary file and acknowledged leftovers", async () => {
    const d = await written(60, 4 * 1024);
    writeFileSync(join(d, ".acked.tmp"), "devtrace-spool-ac");
    writeFileSync(join(d, "acked"), "devtrace-spool-acked v1 30\n");
    await using spool = await Spool.open({ dir: d, segmentBytes: 4 * 1024 });
    expect(readdirSync(d)).not.toContain(".acked.tmp");
    expect(spool.ackedSeq()).toBe(30n);
    expect(await contents(spool)).toEqual(range(31, 60));
  });

  it("starts from what the files say when the acked mark is unreadable", async () => {
    const d = await written(10);
    writeFileSync(join(d, "acked"), "garbage");
    await using spool = await Spool.open({ dir: d });
    expect(spool.ackedSeq()).toBe(0n);
    expect(await contents(spool)).toEqual(range(1, 10));
    expect(spool.nextSeq()).toBe(11n);
  });

  it("opens a spool whose newest segment was created but never written", async () => {
    const d = await written(3);
    writeFileSync(join(d, "segment-00000000000000000004.log"), "");
    await using spool = await Spool.open({ dir: d });
    expect(await contents(spool)).toEqual([1, 2, 3]);
    expect(await spool.append(thought(4))).toBe(4n);
  });

  it("takes over the lock of a process that died", async () => {
    const d = await written(3);
    writeFileSync(join(d, "lock"), "999999999\n");
    await using spool = await Spool.open({ dir: d });
    expect(spool.lastSeq()).toBe(3n);
  });

  it("survives a copy of itself (recovery is idempotent)", async () => {
    const d = await written(10);
    const [file] = segmentFiles(d);
    truncateSync(file ?? "", readFileSync(file ?? "").length - 7);
    await (await Spool.open({ dir: d })).close();
    const again = dir();
    mkdirSync(again, { recursive: true });
    for (const f of segmentFiles(d)) copyFileSync(f, join(again, f.split("/").at(-1) ?? ""));
    await using spool = await Spool.open({ dir: again });
    expect(spool.recovery.truncatedBytes).toBe(0);
    expect(await contents(spool)).toEqual(range(1, 9));
  });
});
