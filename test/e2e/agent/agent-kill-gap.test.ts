import { createHash } from "node:crypto";
import { rmSync } from "node:fs";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Event } from "../../../gen/devtrace/v1/event_pb.js";
import { describeWith } from "../../helpers/infra.js";
import { spawnServer, type ServerProcess } from "../../helpers/server-process.js";
import { devtrace } from "./cli-terminal.js";
import { agentPid, alive, deliveryCounts, ensureBuilt, faultSession, serverEvents, waitFor } from "./fault-session.js";

const sha = (s: string) => createHash("sha256").update(s).digest("hex");

let server: ServerProcess | undefined;
let session: ReturnType<typeof faultSession> | undefined;

beforeAll(() => ensureBuilt());
afterAll(async () => {
  await session?.dispose();
  await server?.[Symbol.asyncDispose]();
});

/** Each file event as "path before→after" (a creation has no before, a deletion no after). */
function links(events: Event[]): Array<{ path: string; before?: string; after?: string; away: boolean }> {
  return events.flatMap((e) => {
    const k = e.kind;
    if (k.case === "fileEdit") return [{ path: k.value.path, before: k.value.beforeSha256, after: k.value.afterSha256, away: k.value.recordedWhileAway }];
    if (k.case === "fileCreated") return [{ path: k.value.path, after: k.value.sha256, away: k.value.recordedWhileAway }];
    if (k.case === "fileDeleted") return [{ path: k.value.path, before: k.value.beforeSha256, away: k.value.recordedWhileAway }];
    return [];
  });
}

describeWith([], "saves while no agent runs (agent kill -9, the restart window)", () => {
  it("are recorded by the next agent, marked recorded-while-away, and the sha chain never breaks", { timeout: 300_000 }, async () => {
    server = await spawnServer();
    const creds = server.credentials();
    session = faultSession(server.url, creds.ingest_token);
    const s = session;
    const v = (name: string, i: number) => `def ${name}():\n    return ${i}\n`;
    const r = s.repo({ "a.py": v("a", 0), "b.py": v("b", 0), "c.py": v("c", 0) });
    const start = async () => {
      const res = await devtrace(["agent", "start", "--task", "gap"], { cwd: r.dir, env: s.env });
      expect(res.code, res.stderr).toBe(0);
    };
    await start();
    r.write("a.py", v("a", 1));
    await waitFor("the first save recorded and acknowledged", async () => (await s.status(r)).events?.acked === "1");

    const first = agentPid(r);
    process.kill(first, "SIGKILL");
    await waitFor("the agent to die", () => !alive(first));
    // The gap: an edit of a file edited before, a file edited only now, a deletion, a creation.
    r.write("a.py", v("a", 2));
    r.write("b.py", v("b", 1));
    rmSync(r.path("c.py"));
    r.write("d.py", v("d", 0));

    await start();
    expect(agentPid(r)).not.toBe(first);
    await waitFor("the gap recorded", async () => Number((await s.status(r)).events?.recorded) >= 5);
    r.write("a.py", v("a", 3));
    await waitFor("everything acknowledged", async () => {
      const st = await s.status(r);
      return st.events?.queued === "0" && Number(st.events.acked) >= 6;
    });

    const events = await serverEvents(server.url, creds.read_token, (await s.status(r)).traceId!);
    const got = links(events);
    // Per path, every event starts where the previous one ended, from the committed version to the disk's.
    const finalOnDisk: Record<string, string | undefined> = { "a.py": sha(v("a", 3)), "b.py": sha(v("b", 1)), "c.py": undefined, "d.py": sha(v("d", 0)) };
    for (const [path, last] of Object.entries(finalOnDisk)) {
      const chain = got.filter((l) => l.path === path);
      let at: string | undefined = path === "d.py" ? undefined : sha(v(path[0], 0));
      for (const l of chain) {
        expect(l.before, `${path}: an event starting where the previous ended`).toBe(at);
        at = l.after;
      }
      expect(at, `${path}: the chain ends at the file on disk`).toBe(last);
    }
    const expected = [`a.py:${sha(v("a", 1))}`, `a.py:${sha(v("a", 2))}`, `b.py:${sha(v("b", 1))}`, "c.py:deleted", `d.py:${sha(v("d", 0))}`, `a.py:${sha(v("a", 3))}`];
    const seen = got.map((l) => `${l.path}:${l.after ?? "deleted"}`);
    const counts = deliveryCounts(expected, seen);
    expect(counts).toEqual({ missing: 0, duplicated: 0, reordered: 0 });
    expect(got.map((l) => l.away)).toEqual([false, true, true, true, true, false]);
    const aGap = events.find((e) => e.kind.case === "fileEdit" && e.kind.value.recordedWhileAway && e.kind.value.path === "a.py");
    expect(aGap?.kind.case === "fileEdit" && aGap.kind.value.unifiedDiff).toContain("+    return 2");
    expect(events.map((e) => Number(e.seq))).toEqual(events.map((_, i) => i + 1));
    process.stderr.write(`[agent-kill-gap] ${JSON.stringify(counts)}\n`);
  });
});
