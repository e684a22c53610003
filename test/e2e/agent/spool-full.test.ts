import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeWith } from "../../helpers/infra.js";
import { spawnServer, type ServerProcess } from "../../helpers/server-process.js";
import { devtrace } from "./cli-terminal.js";
import { deliveryCounts, ensureBuilt, faultSession, serverEvents, waitFor } from "./fault-session.js";

let server: ServerProcess | undefined;
let session: ReturnType<typeof faultSession> | undefined;

beforeAll(() => ensureBuilt());
afterAll(async () => {
  await session?.dispose();
  await server?.[Symbol.asyncDispose]();
});

/** A 4 KiB-ish file body that differs per version, so every save is an edit of about 8 KiB. */
const body = (version: number) => Array.from({ length: 100 }, (_, l) => `line ${l} of version ${version} ${"x".repeat(30)}`).join("\n") + "\n";

describeWith([], "a full spool (server down, DEVTRACE_SPOOL_MAX_MB reached)", () => {
  it("says FULL, counts every refused save, and records them as record_lost once the server is back", { timeout: 300_000 }, async () => {
    server = await spawnServer();
    const { port, dataDir } = server;
    const creds = server.credentials();
    session = faultSession(server.url, creds.ingest_token, { DEVTRACE_SPOOL_MAX_MB: "0.0625" });
    const s = session;
    const r = s.repo({ "big.txt": body(0) });
    const started = await devtrace(["agent", "start", "--task", "full spool"], { cwd: r.dir, env: s.env });
    expect(started.code, started.stderr).toBe(0);
    await waitFor("a connected agent", async () => (await s.status(r)).connection?.state === "connected");
    await server.stop("SIGKILL");

    let version = 0;
    let refusedAfterFull = 0;
    const save = async () => {
      version++;
      r.write("big.txt", body(version));
      await waitFor(`save ${version} recorded or refused`, async () => {
        const st = await s.status(r);
        return Number(st.events?.recorded) + Number(st.spool?.refusedEvents) >= version;
      });
    };
    while (!(await s.status(r)).spool?.full) {
      await save();
      expect(version, "the spool never filled").toBeLessThan(40);
    }
    for (let i = 0; i < 3; i++, refusedAfterFull++) await save();
    const full = await s.status(r);
    const text = await devtrace(["status"], { cwd: r.dir, env: s.env });
    expect(text.stdout).toMatch(/FULL: new events are refused/);
    const refused = Number(full.spool?.refusedEvents);
    expect(refused).toBeGreaterThanOrEqual(refusedAfterFull);
    expect(text.stdout).toContain(`${refused} events were refused at the spool bound`);
    expect(full.spool?.lostEvents).toBe(String(refused));

    server = await spawnServer({ dataDir, args: ["--listen", `127.0.0.1:${port}`] });
    await waitFor("the spool to drain", async () => {
      const st = await s.status(r);
      return st.connection?.state === "connected" && st.events?.queued === "0" && !st.spool?.full;
    }, 60_000, async () => JSON.stringify(await s.status(r)) + readFileSync(join(r.dir, ".git/devtrace/agent.log"), "utf8").slice(-3000));
    const events = await serverEvents(server.url, creds.read_token, full.traceId!);
    const lost = events.filter((e) => e.kind.case === "recordLost").map((e) => (e.kind.case === "recordLost" ? e.kind.value.reason : ""));
    expect(lost).toHaveLength(1);
    expect(lost[0]).toMatch(new RegExp(`^${refused} event\\(s\\) refused because the agent's spool was full.*: ${refused} fileEdit$`));
    const edits = events.filter((e) => e.kind.case === "fileEdit").length;
    // Every save is either an edit on the server or counted in the record_lost; none twice, none out of order.
    expect(edits + refused).toBe(version);
    const seqs = events.map((e) => Number(e.seq));
    const counts = deliveryCounts(seqs.map(String), seqs.map(String));
    expect(seqs).toEqual(events.map((_, i) => i + 1));
    process.stderr.write(`[spool-full] saves ${version}, stored ${edits}, refused ${refused} (all in one record_lost), duplicated ${counts.duplicated}, reordered ${counts.reordered}\n`);
  });
});
