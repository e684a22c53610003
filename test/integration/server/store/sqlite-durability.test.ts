import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import Database from "better-sqlite3";
import pino from "pino";
import { SqliteStore, sqliteFileName } from "../../../../server/store/sqlite-store.js";
import { schemaVersion } from "../../../../server/store/sqlite-schema.js";
import { pollUntil } from "../../../helpers/poll.js";
import { repoRoot } from "../../../helpers/server-process.js";

const silent = pino({ level: "silent" });
const writer = join(import.meta.dirname, "fixtures", "sqlite-writer.mjs");
const builtStore = join(repoRoot, "dist", "server", "store", "sqlite-store.js");

describe("SqliteStore durability", () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("keeps every acknowledged event when its process is killed with SIGKILL mid-stream", async () => {
    dir = mkdtempSync(join(tmpdir(), "devtrace-durable-"));
    if (!existsSync(builtStore)) throw new Error(`${builtStore} is missing: run "npm run build" (npm test does) first`);
    const child = spawn(process.execPath, [writer, dir, "trace-1"], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (b: Buffer) => (out += b.toString()));
    child.stderr.on("data", (b: Buffer) => (out += b.toString()));
    const exited = new Promise((r) => child.once("exit", r));
    const lastAck = () => Number([...out.matchAll(/acked (\d+)/g)].at(-1)?.[1] ?? 0);
    try {
      await pollUntil("3000 events acknowledged", () => lastAck() >= 3000, { timeoutMs: 60_000, describe: () => out.slice(-500) });
    } finally {
      child.kill("SIGKILL");
      await exited;
    }
    const acked = lastAck();
    const store = SqliteStore.open({ dataDir: dir, logger: silent });
    try {
      const trace = (await store.getTrace("trace-1"))!.trace;
      expect(trace.ackedSeq).toBeGreaterThanOrEqual(BigInt(acked));
      const stored = await store.readEvents("trace-1");
      expect(stored.length).toBe(Number(trace.ackedSeq));
      expect(stored.every((e, i) => e.seq === BigInt(i + 1) && e.kind.case === "thought" && e.kind.value.text === `thought ${i + 1}`)).toBe(true);
    } finally {
      await store.close();
    }
  });

  it("creates a new file at the current schema version in WAL mode", async () => {
    dir = mkdtempSync(join(tmpdir(), "devtrace-schema-"));
    await SqliteStore.open({ dataDir: join(dir, "nested", "data"), logger: silent }).close();
    const db = new Database(join(dir, "nested", "data", sqliteFileName), { readonly: true });
    try {
      expect(db.pragma("user_version", { simple: true })).toBe(schemaVersion);
      expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    } finally {
      db.close();
    }
  });

  it("refuses a file written by a newer release and leaves it untouched", async () => {
    dir = mkdtempSync(join(tmpdir(), "devtrace-schema-"));
    const db = new Database(join(dir, sqliteFileName));
    db.pragma(`user_version = ${schemaVersion + 1}`);
    db.close();
    expect(() => SqliteStore.open({ dataDir: dir, logger: silent })).toThrow(/cannot open the trace database/);
    const again = new Database(join(dir, sqliteFileName), { readonly: true });
    try {
      expect(again.pragma("user_version", { simple: true })).toBe(schemaVersion + 1);
      expect(again.prepare("SELECT count(*) AS n FROM sqlite_master").get()).toEqual({ n: 0 });
    } finally {
      again.close();
    }
  });
});
