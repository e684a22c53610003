import { Code, ConnectError } from "@connectrpc/connect";
import { afterEach, describe, expect, it } from "vitest";
import { createTestServer, testTokens } from "../../helpers/devtrace-server.js";
import type { TestServer } from "../../helpers/devtrace-server.js";
import { newTraceRequest } from "../../helpers/trace-events.js";

async function codeOf(p: Promise<unknown>): Promise<string> {
  return p.then(
    () => "OK",
    (e: unknown) => Code[ConnectError.from(e).code],
  );
}

describe("per-token limits", () => {
  let srv: TestServer | undefined;
  afterEach(async () => {
    await srv?.[Symbol.asyncDispose]();
    srv = undefined;
  });

  it("refuses calls beyond the token's rate with RESOURCE_EXHAUSTED, per token, and refills", async () => {
    let now = 0;
    srv = await createTestServer({ limits: { requestsPerSecond: 1, burst: 3, clock: () => now } });
    const read = srv.client(testTokens.read);
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await codeOf(read.listTraces({})));
    expect(results).toEqual(["OK", "OK", "OK", "ResourceExhausted"]);
    const err = await read.listTraces({}).catch((e: unknown) => ConnectError.from(e));
    expect((err as ConnectError).rawMessage).toContain("rate limit of 1/s");
    // Another token has its own bucket.
    expect(await codeOf(srv.client(testTokens.admin).listTraces({}))).toBe("OK");
    now += 1000;
    expect(await codeOf(read.listTraces({}))).toBe("OK");
  });

  it("refuses streams beyond the open-stream bound and frees a slot when one closes", async () => {
    srv = await createTestServer({ limits: { maxStreams: 2, requestsPerSecond: 0 } });
    const alice = srv.client(testTokens.ingest);
    const { trace } = await alice.createTrace(newTraceRequest());
    const watchers = [new AbortController(), new AbortController()];
    const iterators = watchers.map((w) =>
      alice.watchTrace({ traceId: trace!.id }, { signal: w.signal })[Symbol.asyncIterator](),
    );
    for (const it of iterators) expect((await it.next()).done).toBe(false);
    const third = alice.watchTrace({ traceId: trace!.id })[Symbol.asyncIterator]();
    const err = await third.next().catch((e: unknown) => ConnectError.from(e));
    expect(err).toBeInstanceOf(ConnectError);
    expect((err as ConnectError).code).toBe(Code.ResourceExhausted);
    expect((err as ConnectError).rawMessage).toContain("open stream limit of 2");
    // Bob is not affected by alice's streams.
    const bob = srv.client(testTokens.otherIngest);
    const bobs = await bob.createTrace(newTraceRequest());
    const bobWatch = new AbortController();
    const bobIt = bob.watchTrace({ traceId: bobs.trace!.id }, { signal: bobWatch.signal })[Symbol.asyncIterator]();
    expect((await bobIt.next()).done).toBe(false);
    bobWatch.abort();
    watchers[0].abort();
    await iterators[0].next().catch(() => undefined);
    await expect.poll(async () => {
      const c = new AbortController();
      const it = alice.watchTrace({ traceId: trace!.id }, { signal: c.signal })[Symbol.asyncIterator]();
      const r = await codeOf(it.next());
      c.abort();
      return r;
    }).toBe("OK");
    watchers[1].abort();
  });
});

describe("roles", () => {
  let srv: TestServer | undefined;
  afterEach(async () => {
    await srv?.[Symbol.asyncDispose]();
    srv = undefined;
  });

  it("lets each role do what SPEC.md grants and nothing more", async () => {
    srv = await createTestServer();
    const [alice, bob, read, admin] = [testTokens.ingest, testTokens.otherIngest, testTokens.read, testTokens.admin].map(
      (t) => srv!.client(t),
    );
    const { trace } = await alice.createTrace(newTraceRequest());
    const id = trace!.id;
    const matrix = {
      "alice GetTrace own": await codeOf(alice.getTrace({ traceId: id })),
      "bob GetTrace alice's": await codeOf(bob.getTrace({ traceId: id })),
      "read GetTrace": await codeOf(read.getTrace({ traceId: id })),
      "read ListTraces": await codeOf(read.listTraces({})),
      "alice ListTraces": await codeOf(alice.listTraces({})),
      "admin ListTraces": await codeOf(admin.listTraces({})),
      "read CreateTrace": await codeOf(read.createTrace(newTraceRequest())),
      "admin CreateTrace for bob": await codeOf(admin.createTrace(newTraceRequest("bob"))),
      "read DeleteTrace": await codeOf(read.deleteTrace({ traceId: id })),
      "bob DeleteTrace alice's": await codeOf(bob.deleteTrace({ traceId: id })),
      "alice DeleteTrace own": await codeOf(alice.deleteTrace({ traceId: id })),
      "read GetTrace deleted": await codeOf(read.getTrace({ traceId: id })),
    };
    expect(matrix).toEqual({
      "alice GetTrace own": "OK",
      "bob GetTrace alice's": "PermissionDenied",
      "read GetTrace": "OK",
      "read ListTraces": "OK",
      "alice ListTraces": "PermissionDenied",
      "admin ListTraces": "OK",
      "read CreateTrace": "PermissionDenied",
      "admin CreateTrace for bob": "OK",
      "read DeleteTrace": "PermissionDenied",
      "bob DeleteTrace alice's": "PermissionDenied",
      "alice DeleteTrace own": "OK",
      "read GetTrace deleted": "NotFound",
    });
  });

  it("fills an empty developer.id from the ingest token", async () => {
    srv = await createTestServer();
    const { trace } = await srv.client(testTokens.ingest).createTrace(newTraceRequest());
    expect(trace!.developer!.id).toBe("alice");
  });

  it("returns the same trace for a retried CreateTrace with the same request_id, with a working new upload token", async () => {
    srv = await createTestServer();
    const alice = srv.client(testTokens.ingest);
    const req = { ...newTraceRequest(), requestId: "agent-42" };
    const a = await alice.createTrace(req);
    const b = await alice.createTrace(req);
    expect(b.trace!.id).toBe(a.trace!.id);
    expect(b.uploadToken).not.toBe(a.uploadToken);
    expect(await codeOf(alice.appendEvents({ traceId: a.trace!.id, uploadToken: b.uploadToken, events: [] }))).toBe("OK");
    expect(await codeOf(alice.appendEvents({ traceId: a.trace!.id, uploadToken: a.uploadToken, events: [] }))).toBe(
      "PermissionDenied",
    );
  });

  it("keeps health and reflection open but everything else behind a token", async () => {
    srv = await createTestServer();
    const { createClient } = await import("@connectrpc/connect");
    const { Health } = await import("../../../gen/health/v1/health_pb.js");
    const health = createClient(Health, srv.transport());
    expect((await health.check({})).status).toBe(1);
    expect(await codeOf(srv.client().getTrace({ traceId: "x" }))).toBe("Unauthenticated");
  });
});
