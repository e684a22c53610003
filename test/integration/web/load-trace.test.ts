import { createClient, createRouterTransport } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { TraceService } from "../../../gen/devtrace/v1/trace_service_pb.js";
import { createTestServer, testTokens } from "../../helpers/devtrace-server.js";
import { newTraceRequest, thoughtEvents } from "../../helpers/trace-events.js";
import { eventsPageSize, firstPageSize, loadTrace } from "../../../web/src/load-events.js";

/** A trace of n events in a real SQLite-backed test server. */
async function traceWith(n: number) {
  const s = await createTestServer();
  const c = s.client(testTokens.ingest);
  const { trace, uploadToken } = await c.createTrace(newTraceRequest());
  for (let from = 1; from <= n; from += 1000) {
    await c.appendEvents({ traceId: trace!.id, uploadToken, events: thoughtEvents(from, Math.min(n, from + 999)) });
  }
  return { s, id: trace!.id };
}

describe("loadTrace()", () => {
  it("reads every event from the real server: a small first page, then the rest", async () => {
    const { s, id } = await traceWith(2500);
    await using _ = s;
    const pages: number[] = [];
    await loadTrace(s.client(testTokens.read), id, (_t, evs) => pages.push(evs.length), new AbortController().signal);
    // onPage gets every event loaded so far: the first page of 500, then all 2500.
    expect(pages).toEqual([500, 2500]);
  });

  it("follows next_events_after_seq page by page from a server that pages, in order, without duplicates", async () => {
    const { s, id } = await traceWith(4500);
    await using _ = s;
    const asked: Array<[bigint, number]> = [];
    // GetTrace as issue 15 specifies it, over the same real store: at most 1000 events a page.
    const paging = createRouterTransport((router) =>
      router.service(TraceService, {
        async getTrace(req) {
          asked.push([req.eventsAfterSeq, req.eventsLimit]);
          const limit = Math.min(req.eventsLimit || 1000, 1000);
          const stored = await s.store.getTrace(req.traceId);
          const events = await s.store.readEvents(req.traceId, { afterSeq: req.eventsAfterSeq, limit });
          const last = events.at(-1)?.seq ?? 0n;
          return { trace: stored!.trace, events, nextEventsAfterSeq: last < stored!.trace.ackedSeq ? last : 0n };
        },
      }),
    );
    const pages: Array<{ n: number; done: boolean }> = [];
    let seqs: bigint[] = [];
    await loadTrace(createClient(TraceService, paging), id, (_t, evs, done) => {
      pages.push({ n: evs.length, done });
      seqs = evs.map((e) => e.seq);
    }, new AbortController().signal);
    // A small first page (the timeline appears early), then the server's page bound.
    expect(pages).toEqual([
      { n: 500, done: false },
      { n: 1500, done: false },
      { n: 2500, done: false },
      { n: 3500, done: false },
      { n: 4500, done: true },
    ]);
    expect(seqs).toEqual(Array.from({ length: 4500 }, (_, i) => BigInt(i + 1)));
    expect(asked).toEqual([
      [0n, firstPageSize],
      ...[500n, 1500n, 2500n, 3500n].map((a): [bigint, number] => [a, eventsPageSize]),
    ]);
  });

  it("stops on a server whose next page does not move forward instead of looping", async () => {
    const { s, id } = await traceWith(10);
    await using _ = s;
    let calls = 0;
    const stuck = createRouterTransport((router) =>
      router.service(TraceService, {
        async getTrace(req) {
          calls++;
          const stored = await s.store.getTrace(req.traceId);
          return { trace: stored!.trace, events: await s.store.readEvents(req.traceId, { limit: 5 }), nextEventsAfterSeq: 5n };
        },
      }),
    );
    const pages: number[] = [];
    await loadTrace(createClient(TraceService, stuck), id, (_t, evs) => pages.push(evs.length), new AbortController().signal);
    expect(calls).toBe(2);
    expect(pages).toEqual([5, 5]);
  });
});
