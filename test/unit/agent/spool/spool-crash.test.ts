import { spawn } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Spool } from "../../../../agent/spool/index.js";
import { pollUntil } from "../../../helpers/poll.js";
import { repoRoot } from "../../../helpers/server-process.js";
import { tempDir, thoughtNumber } from "./spool-events.js";

const appender = join(repoRoot, "test", "fixtures", "spool", "spool-appender.mjs");

/** The child runs the built spool (npm test builds first, as for the other SIGKILL tests). */
function assertBuilt(): void {
  const built = join(repoRoot, "dist", "agent", "spool", "index.js");
  if (!existsSync(built)) throw new Error(`${built} is missing: run "npm run build" (npm test does) first`);
}

/** Runs the appender until it reported `atLeast` durable appends, then SIGKILLs it. */
async function appendThenKill(dir: string, firstN: number, atLeast: number): Promise<Map<bigint, number>> {
  const child = spawn(process.execPath, [appender, dir, String(64 * 1024), String(firstN)], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout.on("data", (b: Buffer) => (out += b.toString()));
  child.stderr.on("data", (b: Buffer) => (err += b.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once("exit", (_code, signal) => resolve(signal)));
  const reported = () => out.split("\n").filter((l) => /^\d+ \d+$/.test(l));
  try {
    await pollUntil(`${atLeast} durable appends`, () => reported().length >= atLeast, { timeoutMs: 60_000, describe: () => err.slice(-800) });
  } finally {
    child.kill("SIGKILL");
  }
  expect(await exited).toBe("SIGKILL");
  return new Map(reported().map((l) => {
    const [seq, n] = l.split(" ");
    return [BigInt(seq ?? "0"), Number(n)];
  }));
}

describe("Spool under kill -9", () => {
  let remove = () => {};
  afterEach(() => remove());

  it("keeps every append it acknowledged, intact and in seq order, across two crashes", async () => {
    assertBuilt();
    const t = tempDir("spool-crash-");
    remove = t.remove;
    const first = await appendThenKill(t.dir, 1, 3000);
    const afterFirst = await Spool.open({ dir: t.dir, segmentBytes: 64 * 1024 });
    const stored1 = await afterFirst.readBatch(1n, 1_000_000, 1 << 30);
    await afterFirst.close();
    const second = await appendThenKill(t.dir, 1_000_000, 2000);

    await using spool = await Spool.open({ dir: t.dir, segmentBytes: 64 * 1024 });
    const stored = await spool.readBatch(1n, 1_000_000, 1 << 30);
    const bySeq = new Map(stored.map((e) => [e.seq, thoughtNumber(e)]));
    for (const [seq, n] of [...first, ...second]) expect(bySeq.get(seq), `seq ${seq}`).toBe(n);
    // No gap: seqs run 1..last, and the second run continued after the first one's last seq.
    expect(stored.map((e) => e.seq)).toEqual(Array.from({ length: stored.length }, (_, i) => BigInt(i + 1)));
    const firstOfSecond = [...second.keys()].reduce((a, b) => (a < b ? a : b));
    expect(firstOfSecond).toBe(BigInt(stored1.length + 1));
    expect(spool.recovery.lost).toEqual([]);
    expect(readdirSync(t.dir).filter((n) => n.startsWith("segment-")).length).toBeGreaterThan(2);
  });
});
