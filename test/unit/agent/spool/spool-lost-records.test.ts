import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { toBinary } from "@bufbuild/protobuf";
import { EventSchema, type Event } from "../../../../gen/devtrace/v1/event_pb.js";
import { Spool } from "../../../../agent/spool/index.js";
import { scanSegment } from "../../../../agent/spool/segment-scan.js";
import { listSegmentFiles } from "../../../../agent/spool/segment.js";
import { tempDir, thought, thoughtNumber } from "./spool-events.js";

let cleanup: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanup) c();
  cleanup = [];
});

/** A closed spool holding thoughts 1..n; returns its directory. */
async function written(n: number, segmentBytes = 8 * 1024 * 1024): Promise<string> {
  const t = tempDir("spool-lost-");
  cleanup.push(t.remove);
  const spool = await Spool.open({ dir: t.dir, segmentBytes });
  for (let i = 1; i <= n; i++) await spool.append(thought(i));
  await spool.close();
  return t.dir;
}

/** Flips a payload bit of record `seq`: its header (and seq) stays readable, its checksum fails. */
function damage(dir: string, seq: bigint): void {
  const file = listSegmentFiles(dir).find((f) => scanSegment(readFileSync(f.path), f.firstSeq).records.some((r) => r.seq === seq));
  if (!file) throw new Error(`no segment holds ${seq}`);
  const buf = readFileSync(file.path);
  const rec = scanSegment(buf, file.firstSeq).records.find((r) => r.seq === seq);
  const at = (rec?.offset ?? 0) + 60;
  buf[at] = (buf[at] ?? 0) ^ 0x08;
  writeFileSync(file.path, buf);
}

/** Each event as its thought number, or "lost" for a RecordLost stand-in. */
const shape = (events: readonly Event[]) => events.map((e) => (e.kind.case === "recordLost" ? "lost" : thoughtNumber(e)));
const seqs = (events: readonly Event[]) => events.map((e) => e.seq);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => BigInt(from + i));

async function readAll(spool: Spool): Promise<Event[]> {
  const out: Event[] = [];
  for await (const e of spool.readFrom(1n)) out.push(e);
  return out;
}

describe("Spool.readBatch() after records were lost", () => {
  it("puts a RecordLost event in the seq of a damaged middle record, so the run has no hole", async () => {
    const dir = await written(10);
    damage(dir, 5n);
    await using spool = await Spool.open({ dir });
    const events = await spool.readBatch(1n, 100, 1 << 20);
    expect(seqs(events)).toEqual(range(1, 10));
    expect(shape(events)).toEqual([1, 2, 3, 4, "lost", 6, 7, 8, 9, 10]);
    const lost = events[4];
    expect(lost?.sessionId).toBe("agent");
    expect(lost?.kind.case === "recordLost" && lost.kind.value.reason).toMatch(/damaged record in segment-0+1\.log/);
    // The neighbour's time keeps the trace in time order.
    expect(lost?.time).toEqual(events[3]?.time);
  });

  it("puts a RecordLost event in the seq of a torn last record whose seq was readable, and takes the ack for it", async () => {
    const dir = await written(10);
    damage(dir, 10n);
    await using spool = await Spool.open({ dir });
    const events = await spool.readBatch(1n, 100, 1 << 20);
    expect(seqs(events)).toEqual(range(1, 10));
    expect(shape(events).at(-1)).toBe("lost");
    expect(events[9]?.kind.case === "recordLost" && events[9].kind.value.reason).toMatch(/damaged last record/);
    expect(spool.lastSeq()).toBe(10n);
    await spool.ack(10n);
    expect(spool.ackedSeq()).toBe(10n);
    expect(await spool.append(thought(11))).toBe(11n);
    expect(shape(await spool.readBatch(1n, 100, 1 << 20))).toEqual([11]);
  });

  it("still fills the lost last seq after a restart that appended nothing, and never reuses it", async () => {
    const dir = await written(10);
    damage(dir, 10n);
    await (await Spool.open({ dir })).close();
    await using spool = await Spool.open({ dir });
    expect(spool.nextSeq()).toBe(11n);
    expect(spool.stats().lostEvents).toBe(1n);
    expect(await spool.append(thought(11))).toBe(11n);
    const events = await readAll(spool);
    expect(seqs(events)).toEqual(range(1, 11));
    expect(shape(events).slice(8)).toEqual([9, "lost", 11]);
  });

  it("never makes a RecordLost for a seq at or below the acked mark", async () => {
    const dir = await written(10);
    damage(dir, 5n);
    writeFileSync(join(dir, "acked"), "devtrace-spool-acked v1 5\n");
    await using acked = await Spool.open({ dir });
    expect(shape(await acked.readBatch(1n, 100, 1 << 20))).toEqual([6, 7, 8, 9, 10]);
    expect(acked.stats().lostEvents).toBe(0n);
    await acked.close();

    const again = await written(10);
    damage(again, 5n);
    await using spool = await Spool.open({ dir: again });
    await spool.ack(6n);
    expect(shape(await spool.readBatch(1n, 100, 1 << 20))).toEqual([7, 8, 9, 10]);
    expect(spool.stats()).toMatchObject({ lostEvents: 0n, queued: 4n });
  });

  it("fills a missing segment file across batches cut by the event limit", async () => {
    const dir = await written(60, 4 * 1024);
    const gone = listSegmentFiles(dir)[1]?.path ?? "";
    const goneSeqs = scanSegment(readFileSync(gone), listSegmentFiles(dir)[1]?.firstSeq ?? 0n).records.map((r) => r.seq);
    rmSync(gone);
    await using spool = await Spool.open({ dir, segmentBytes: 4 * 1024 });
    const out: Event[] = [];
    for (let next = 1n; ; ) {
      const batch = await spool.readBatch(next, 3, 1 << 20);
      if (batch.length === 0) break;
      expect(batch.length).toBeLessThanOrEqual(3);
      out.push(...batch);
      next = (batch.at(-1)?.seq ?? next) + 1n;
    }
    expect(seqs(out)).toEqual(range(1, 60));
    expect(out.filter((e) => e.kind.case === "recordLost").map((e) => e.seq)).toEqual(goneSeqs);
    expect(out.find((e) => e.kind.case === "recordLost")?.kind.value).toMatchObject({ reason: expect.stringMatching(/segment file is missing/) });
  });

  it("keeps a batch within its byte limit when RecordLost events join it", async () => {
    const dir = await written(10);
    damage(dir, 5n);
    await using spool = await Spool.open({ dir });
    const [three, four, lost] = await spool.readBatch(3n, 3, 1 << 20);
    const size = (e: Event | undefined) => (e ? toBinary(EventSchema, e).length : 0);
    expect(shape([three, four, lost].filter((e) => e !== undefined))).toEqual([3, 4, "lost"]);
    // Room for thoughts 3 and 4 but not for the stand-in of 5 as well: it waits for the next batch.
    const limit = size(three) + size(four) + size(lost) - 1;
    expect(shape(await spool.readBatch(3n, 100, limit))).toEqual([3, 4]);
    expect(shape(await spool.readBatch(5n, 100, size(lost) + size(three) + 1))).toEqual(["lost", 6]);
  });
});
