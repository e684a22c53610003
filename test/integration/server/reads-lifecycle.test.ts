import { Code, ConnectError } from "@connectrpc/connect";
import { create } from "@bufbuild/protobuf";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { QaResultSchema, QaStatus } from "../../../gen/devtrace/v1/qa_pb.js";
import { TraceStatus } from "../../../gen/devtrace/v1/trace_pb.js";
import type { WatchTraceResponse } from "../../../gen/devtrace/v1/trace_service_pb.js";
import { createTestServer, testTokens } from "../../helpers/devtrace-server.js";
import type { TestServer } from "../../helpers/devtrace-server.js";
import { newTraceRequest, thoughtEvents } from "../../helpers/trace-events.js";

describe("reads and lifecycle", () => {
  let srv: TestServer;
  beforeEach(async () => {
    srv = await createTestServer({ watchPollMs: 20 });
  });
  afterEach(async () => {
    await srv[Symbol.asyncDispose]();
  });

  async function traceWithEvents(token: string, n: number) {
    const c = srv.client(token);
    const r = await c.createTrace(newTraceRequest());
    if (n > 0) await c.appendEvents({ traceId: r.trace!.id, uploadToken: r.uploadToken, events: thoughtEvents(1, n) });
    return { id: r.trace!.id, uploadToken: r.uploadToken };
  }

  it("GetTrace returns the events only when asked", async () => {
    const t = await traceWithEvents(testTokens.ingest, 4);
    const read = srv.client(testTokens.read);
    expect((await read.getTrace({ traceId: t.id })).events).toHaveLength(0);
    const full = await read.getTrace({ traceId: t.id, includeEvents: true });
    expect(full.events.map((e) => e.seq)).toEqual([1n, 2n, 3n, 4n]);
    expect(full.trace!.eventCount).toBe(4n);
  });

  it("ListTraces pages through every trace once, newest first, and filters", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push((await traceWithEvents(i % 2 ? testTokens.otherIngest : testTokens.ingest, 0)).id);
    const read = srv.client(testTokens.read);
    const seen: string[] = [];
    let pageToken = "";
    do {
      const page = await read.listTraces({ pageSize: 3, pageToken });
      expect(page.traces.length).toBeLessThanOrEqual(3);
      seen.push(...page.traces.map((t) => t.id));
      pageToken = page.nextPageToken;
    } while (pageToken !== "");
    expect(seen).toEqual([...ids].reverse());
    const bobs = await read.listTraces({ filter: { developerId: "bob" } });
    expect(bobs.traces.map((t) => t.id)).toEqual([ids[5], ids[3], ids[1]]);
    const none = await read.listTraces({ filter: { statuses: [TraceStatus.DONE] } });
    expect(none.traces).toHaveLength(0);
  });

  it("ExportTraces streams every matching trace with its events", async () => {
    const a = await traceWithEvents(testTokens.ingest, 3);
    const b = await traceWithEvents(testTokens.otherIngest, 2);
    const got: Array<[string, number]> = [];
    for await (const r of srv.client(testTokens.read).exportTraces({})) got.push([r.trace!.id, r.events.length]);
    expect(got).toEqual([
      [b.id, 2],
      [a.id, 3],
    ]);
  });

  it("FinalizeTrace seals once, queues QA, is idempotent and refuses later events", async () => {
    const t = await traceWithEvents(testTokens.ingest, 2);
    const alice = srv.client(testTokens.ingest);
    const first = await alice.finalizeTrace({ traceId: t.id, uploadToken: t.uploadToken, finalPatch: "diff --git a/x b/x\n" });
    expect(first.trace!.status).toBe(TraceStatus.QUEUED);
    expect(first.trace!.finalPatch).toBe("diff --git a/x b/x\n");
    const again = await alice.finalizeTrace({ traceId: t.id, uploadToken: t.uploadToken, finalPatch: "other" });
    expect(again.trace!.sealedAt).toEqual(first.trace!.sealedAt);
    expect(again.trace!.finalPatch).toBe("diff --git a/x b/x\n");
    expect((await srv.store.stats()).queuedJobs).toBe(1);
    const err = await alice
      .appendEvents({ traceId: t.id, uploadToken: t.uploadToken, events: thoughtEvents(3, 3) })
      .catch((e: unknown) => ConnectError.from(e));
    expect((err as ConnectError).code).toBe(Code.FailedPrecondition);
  });

  it("WatchTrace reports each status change made by QA in the store and ends at DONE", async () => {
    const t = await traceWithEvents(testTokens.ingest, 1);
    const alice = srv.client(testTokens.ingest);
    const seen: WatchTraceResponse[] = [];
    const watching = (async () => {
      for await (const r of alice.watchTrace({ traceId: t.id })) {
        seen.push(r);
        // Drive the trace as a QA worker in another process would: through the store only.
        const now = new Date();
        if (r.status === TraceStatus.OPEN) await alice.finalizeTrace({ traceId: t.id, uploadToken: t.uploadToken });
        if (r.status === TraceStatus.QUEUED) await srv.store.updateTraceStatus(t.id, { status: TraceStatus.RUNNING_TESTS, now });
        if (r.status === TraceStatus.RUNNING_TESTS) await srv.store.updateTraceStatus(t.id, { status: TraceStatus.JUDGING, now });
        if (r.status === TraceStatus.JUDGING) {
          const qa = create(QaResultSchema, { status: QaStatus.OK, overall: 0.75 });
          await srv.store.updateTraceStatus(t.id, { status: TraceStatus.DONE, detail: "scored", qa, now });
        }
      }
    })();
    await watching;
    expect(seen.map((r) => TraceStatus[r.status])).toEqual(["OPEN", "QUEUED", "RUNNING_TESTS", "JUDGING", "DONE"]);
    expect(seen.at(-1)!.trace!.qa!.overall).toBe(0.75);
    expect(seen.at(-1)!.statusDetail).toBe("scored");
  });

  it("WatchTrace ends with NOT_FOUND when the trace is deleted, and honours a client cancel", async () => {
    const t = await traceWithEvents(testTokens.ingest, 0);
    const alice = srv.client(testTokens.ingest);
    const it = alice.watchTrace({ traceId: t.id })[Symbol.asyncIterator]();
    expect((await it.next()).value.status).toBe(TraceStatus.OPEN);
    await srv.client(testTokens.admin).deleteTrace({ traceId: t.id });
    const err = await it.next().catch((e: unknown) => ConnectError.from(e));
    expect((err as ConnectError).code).toBe(Code.NotFound);

    const u = await traceWithEvents(testTokens.ingest, 0);
    const cancel = new AbortController();
    const it2 = alice.watchTrace({ traceId: u.id }, { signal: cancel.signal })[Symbol.asyncIterator]();
    await it2.next();
    cancel.abort();
    const end = await it2.next().catch((e: unknown) => ConnectError.from(e));
    expect((end as ConnectError).code).toBe(Code.Canceled);
    await expect.poll(() => srv.server.drain.inFlight).toBe(0);
  });

  it("DeleteTrace removes the trace, its events and its QA job", async () => {
    const t = await traceWithEvents(testTokens.ingest, 5);
    await srv.client(testTokens.ingest).finalizeTrace({ traceId: t.id, uploadToken: t.uploadToken });
    const before = await srv.store.stats();
    await srv.client(testTokens.admin).deleteTrace({ traceId: t.id });
    const after = await srv.store.stats();
    expect(after).toEqual({ traces: before.traces - 1, events: before.events - 5, queuedJobs: before.queuedJobs - 1 });
    expect(await srv.store.readEvents(t.id)).toHaveLength(0);
    const err = await srv.client(testTokens.admin).deleteTrace({ traceId: t.id }).catch((e: unknown) => ConnectError.from(e));
    expect((err as ConnectError).code).toBe(Code.NotFound);
  });
});
