import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ensureCredentials } from "../../../server/auth/first-run.js";
import { hashToken } from "../../../server/auth/token-hash.js";
import { SqliteStore } from "../../../server/store/sqlite-store.js";

describe("ensureCredentials()", () => {
  let dir: string;
  let store: SqliteStore;
  const lines: string[] = [];
  const logger = pino({ level: "info" }, { write: (l: string) => void lines.push(l) });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "devtrace-first-run-"));
    store = SqliteStore.open({ dataDir: dir, logger: pino({ level: "silent" }) });
    lines.length = 0;
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("writes one token per role to credentials.json (0600) and stores only their hashes", async () => {
    const result = await ensureCredentials({ store, dataDir: dir, logger, developerId: "dana" });
    expect(result).toEqual({ file: join(dir, "credentials.json"), created: true });
    const file = result?.file;
    expect(statSync(file!).mode & 0o777).toBe(0o600);
    const creds = JSON.parse(readFileSync(file!, "utf8"));
    expect(await store.findApiToken(hashToken(creds.admin_token))).toMatchObject({ role: "admin" });
    expect(await store.findApiToken(hashToken(creds.ingest_token))).toMatchObject({ role: "ingest", name: "dana" });
    expect(await store.findApiToken(hashToken(creds.read_token))).toMatchObject({ role: "read" });
    // The database file never holds a clear token.
    await store.close();
    const db = readFileSync(join(dir, "devtrace.sqlite"));
    for (const t of [creds.admin_token, creds.ingest_token, creds.read_token]) expect(db.includes(t)).toBe(false);
    store = SqliteStore.open({ dataDir: dir, logger: pino({ level: "silent" }) });
    // The log says where the tokens are and how to use them, without any token in it.
    const log = lines.join("");
    expect(log).toContain("export DEVTRACE_TOKEN=");
    expect(log).toContain(file!);
    for (const t of [creds.admin_token, creds.ingest_token, creds.read_token]) expect(log).not.toContain(t);
  });

  it("keeps the same tokens across restarts", async () => {
    await ensureCredentials({ store, dataDir: dir, logger, developerId: "dana" });
    const first = readFileSync(join(dir, "credentials.json"), "utf8");
    const again = await ensureCredentials({ store, dataDir: dir, logger, developerId: "someone-else" });
    expect(again?.created).toBe(false);
    expect(readFileSync(join(dir, "credentials.json"), "utf8")).toBe(first);
  });

  it("registers DEVTRACE_TOKEN as an admin token and writes no credentials file", async () => {
    const result = await ensureCredentials({ store, dataDir: dir, logger, developerId: "dana", envToken: "my-own-secret" });
    expect(result).toBeUndefined();
    expect(await store.findApiToken(hashToken("my-own-secret"))).toMatchObject({ role: "admin" });
    expect(() => statSync(join(dir, "credentials.json"))).toThrow();
  });
});
