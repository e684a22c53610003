import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Spool, SpoolError } from "../../../../agent/spool/index.js";
import { tempDir, thought, thoughtNumber } from "./spool-events.js";

let cleanup: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanup) c();
  cleanup = [];
});

function dir(): string {
  const t = tempDir("spool-");
  cleanup.push(t.remove);
  return t.dir;
}

const segments = (d: string) => readdirSync(d).filter((n) => n.startsWith("segment-")).sort();

describe("Spool.append()", () => {
  it("numbers events 1, 2, 3… and returns them in order", async () => {
    await using spool = await Spool.open({ dir: dir() });
    const seqs = await Promise.all(Array.from({ length: 500 }, (_, i) => spool.append(thought(i + 1))));
    expect(seqs).toEqual(Array.from({ length: 500 }, (_, i) => BigInt(i + 1)));
    const events = await spool.readBatch(1n, 1000, 10 * 1024 * 1024);
    expect(events.map((e) => e.seq)).toEqual(seqs);
    expect(events.map(thoughtNumber)).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
  });

  it("leaves the caller's event untouched", async () => {
    await using spool = await Spool.open({ dir: dir() });
    const e = thought(1);
    await spool.append(e);
    expect(e.seq).toBe(0n);
  });

  it("spreads events over segment files of the configured size", async () => {
    const d = dir();
    await using spool = await Spool.open({ dir: d, segmentBytes: 16 * 1024 });
    for (let i = 1; i <= 200; i++) await spool.append(thought(i));
    expect(segments(d).length).toBeGreaterThan(5);
    for (const name of segments(d)) expect(statSync(join(d, name)).size).toBeLessThanOrEqual(16 * 1024);
    expect((await spool.readBatch(1n, 1000, 1 << 30)).map(thoughtNumber)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
  });

  it("refuses an event larger than the limit without using a seq", async () => {
    await using spool = await Spool.open({ dir: dir(), maxEventBytes: 1000 });
    await expect(spool.append(thought(1, 5000))).rejects.toMatchObject({ code: "too_large" });
    expect(await spool.append(thought(2))).toBe(1n);
  });

  it("rejects a group whose write fails, and every later append, and takes the group back", async () => {
    const d = dir();
    const spool = await Spool.open({ dir: d, segmentBytes: 4 * 1024 });
    for (let i = 1; i <= 5; i++) await spool.append(thought(i));
    // The next segment file cannot be created: its name is taken by a directory.
    const blockers = Array.from({ length: 30 }, (_, i) => join(d, `segment-${String(i + 6).padStart(20, "0")}.log`));
    for (const b of blockers) mkdirSync(b);
    const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => spool.append(thought(i + 6))));
    expect(results.map((r) => r.status)).toEqual(Array.from({ length: 20 }, () => "rejected"));
    await expect(spool.append(thought(99))).rejects.toMatchObject({ code: "broken" });
    expect(spool.lastSeq()).toBe(5n);
    await spool.close();
    for (const b of blockers) rmSync(b, { recursive: true });
    await using reopened = await Spool.open({ dir: d, segmentBytes: 4 * 1024 });
    expect((await reopened.readBatch(1n, 100, 1 << 20)).map(thoughtNumber)).toEqual([1, 2, 3, 4, 5]);
    expect(reopened.nextSeq()).toBe(6n);
  });

  it("refuses appends after close", async () => {
    const spool = await Spool.open({ dir: dir() });
    await spool.close();
    await spool.close();
    await expect(spool.append(thought(1))).rejects.toMatchObject({ code: "closed" });
  });
});

describe("Spool.readBatch()", () => {
  it("respects the event and byte limits but always returns at least one event", async () => {
    await using spool = await Spool.open({ dir: dir() });
    for (let i = 1; i <= 50; i++) await spool.append(thought(i));
    expect((await spool.readBatch(10n, 7, 1 << 20)).map((e) => e.seq)).toEqual([10n, 11n, 12n, 13n, 14n, 15n, 16n]);
    expect((await spool.readBatch(10n, 100, 1200)).length).toBe(2);
    expect((await spool.readBatch(10n, 100, 1)).length).toBe(1);
    expect(await spool.readBatch(51n, 100, 1 << 20)).toEqual([]);
  });

  it("never returns what the server already acknowledged", async () => {
    await using spool = await Spool.open({ dir: dir() });
    for (let i = 1; i <= 10; i++) await spool.append(thought(i));
    await spool.ack(4n);
    expect((await spool.readBatch(1n, 100, 1 << 20))[0]?.seq).toBe(5n);
  });
});

describe("Spool.readFrom()", () => {
  it("streams every unacknowledged event across segments", async () => {
    await using spool = await Spool.open({ dir: dir(), segmentBytes: 8 * 1024 });
    for (let i = 1; i <= 3000; i++) void spool.append(thought(i, 40));
    await spool.append(thought(3001, 40));
    const seen: bigint[] = [];
    for await (const e of spool.readFrom(1001n)) seen.push(e.seq);
    expect(seen).toEqual(Array.from({ length: 2001 }, (_, i) => BigInt(i + 1001)));
  });
});

describe("Spool.ack()", () => {
  it("deletes segments holding only acknowledged events, never the newest", async () => {
    const d = dir();
    await using spool = await Spool.open({ dir: d, segmentBytes: 8 * 1024 });
    for (let i = 1; i <= 100; i++) await spool.append(thought(i));
    const before = segments(d).length;
    await spool.ack(50n);
    expect(segments(d).length).toBeLessThan(before);
    expect(spool.stats()).toMatchObject({ recorded: 100n, acked: 50n, queued: 50n });
    await spool.ack(100n);
    expect(segments(d).length).toBe(1);
    expect(spool.stats()).toMatchObject({ recorded: 100n, acked: 100n, queued: 0n });
  });

  it("clamps an ack beyond the journal and ignores an older one", async () => {
    await using spool = await Spool.open({ dir: dir() });
    for (let i = 1; i <= 5; i++) await spool.append(thought(i));
    await spool.ack(9n);
    expect(spool.ackedSeq()).toBe(5n);
    await spool.ack(2n);
    expect(spool.ackedSeq()).toBe(5n);
  });
});

describe("Spool.open()", () => {
  it("continues numbering after a restart, also when everything was trimmed", async () => {
    const d = dir();
    const first = await Spool.open({ dir: d, segmentBytes: 4 * 1024 });
    for (let i = 1; i <= 40; i++) await first.append(thought(i));
    await first.ack(40n);
    await first.close();
    const second = await Spool.open({ dir: d, segmentBytes: 4 * 1024 });
    expect(second.nextSeq()).toBe(41n);
    expect(second.stats()).toMatchObject({ recorded: 40n, acked: 40n, queued: 0n });
    expect(await second.append(thought(41))).toBe(41n);
    await second.close();
    const third = await Spool.open({ dir: d });
    expect(third.nextSeq()).toBe(42n);
    expect((await third.readBatch(1n, 10, 1 << 20)).map(thoughtNumber)).toEqual([41]);
    await third.close();
  });

  it("keeps unacknowledged events across a restart", async () => {
    const d = dir();
    const first = await Spool.open({ dir: d });
    for (let i = 1; i <= 30; i++) await first.append(thought(i));
    await first.ack(10n);
    await first.close();
    await using second = await Spool.open({ dir: d });
    expect(second.ackedSeq()).toBe(10n);
    expect((await second.readBatch(1n, 100, 1 << 20)).map(thoughtNumber)).toEqual(Array.from({ length: 20 }, (_, i) => i + 11));
  });

  it("refuses a directory another spool in this process holds, and frees it on close", async () => {
    const d = dir();
    const first = await Spool.open({ dir: d });
    await expect(Spool.open({ dir: d })).rejects.toBeInstanceOf(SpoolError);
    await first.close();
    expect(existsSync(join(d, "lock"))).toBe(false);
    await (await Spool.open({ dir: d })).close();
  });
});

describe("Spool disk bound", () => {
  it("warns once at 80 % and refuses appends at the bound, with a clear error", async () => {
    const warnings: number[] = [];
    await using spool = await Spool.open({ dir: dir(), maxBytes: 64 * 1024, segmentBytes: 8 * 1024, onWarning: (u) => warnings.push(u.bytes) });
    let refused: unknown;
    let stored = 0;
    for (let i = 1; i <= 500 && !refused; i++) {
      try {
        await spool.append(thought(i));
        stored++;
      } catch (err) {
        refused = err;
      }
    }
    expect(warnings.length).toBe(1);
    expect(warnings[0]).toBeGreaterThanOrEqual(0.8 * 64 * 1024);
    expect(refused).toBeInstanceOf(SpoolError);
    expect((refused as SpoolError).code).toBe("full");
    expect((refused as Error).message).toMatch(/spool is full.*refused/);
    expect(spool.bytesOnDisk()).toBeLessThanOrEqual(64 * 1024);
    expect(spool.lastSeq()).toBe(BigInt(stored));
    expect(spool.full).toBe(true);
    expect(spool.stats()).toMatchObject({ refusedEvents: 1n, lostEvents: 1n });
    await spool.ack(spool.lastSeq());
    // The refused event is not silently gone: a RecordLost takes the next seq, before new events.
    expect(await spool.append(thought(9999))).toBe(BigInt(stored + 2));
    expect(spool.full).toBe(false);
    const [lost, next] = await spool.readBatch(BigInt(stored + 1), 10, 1 << 20);
    expect(lost.kind.case).toBe("recordLost");
    expect(lost.kind.case === "recordLost" && lost.kind.value.reason).toMatch(/^1 event\(s\) refused because the agent's spool was full.*: 1 thought$/);
    expect(next.kind.case).toBe("thought");
    expect(spool.stats().refusedEvents).toBe(1n);
  });

  it("remembers refused events across a restart and records them once there is room", async () => {
    const d = dir();
    let stored = 0n;
    {
      await using spool = await Spool.open({ dir: d, maxBytes: 16 * 1024, segmentBytes: 4 * 1024 });
      for (let i = 0; i < 400; i++) await spool.append(thought(i)).then((seq) => (stored = seq), () => undefined);
      expect(spool.stats().refusedEvents).toBeGreaterThan(1n);
    }
    await using reopened = await Spool.open({ dir: d, maxBytes: 16 * 1024, segmentBytes: 4 * 1024 });
    const refused = reopened.stats().refusedEvents;
    expect(refused + stored).toBe(400n);
    await reopened.ack(stored);
    const [lost] = await reopened.readBatch(stored + 1n, 10, 1 << 20);
    expect(lost.kind.case === "recordLost" && lost.kind.value.reason).toMatch(new RegExp(`^${refused} event\\(s\\) refused`));
  });

  it("warns again after the uplink drained it below the warning share", async () => {
    const warnings: number[] = [];
    await using spool = await Spool.open({ dir: dir(), maxBytes: 64 * 1024, segmentBytes: 4 * 1024, onWarning: (u) => warnings.push(u.bytes) });
    const fill = async () => {
      while (spool.usage().bytes < 0.85 * 64 * 1024) await spool.append(thought(1));
    };
    await fill();
    await spool.ack(spool.lastSeq());
    expect(spool.usage().bytes).toBeLessThan(0.8 * 64 * 1024);
    await fill();
    expect(warnings.length).toBe(2);
  });
});
