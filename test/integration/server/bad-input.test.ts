import { Code, ConnectError } from "@connectrpc/connect";
import type { Client } from "@connectrpc/connect";
import { create, toBinary } from "@bufbuild/protobuf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EventSchema } from "../../../gen/devtrace/v1/event_pb.js";
import type { Event } from "../../../gen/devtrace/v1/event_pb.js";
import { TraceStatus } from "../../../gen/devtrace/v1/trace_pb.js";
import { GetTraceResponseSchema, StreamEventsRequestSchema, TraceService } from "../../../gen/devtrace/v1/trace_service_pb.js";
import type { StreamEventsRequest } from "../../../gen/devtrace/v1/trace_service_pb.js";
import { createTestServer, testTokens } from "../../helpers/devtrace-server.js";
import type { TestServer } from "../../helpers/devtrace-server.js";
import { commandEvent, eventOfKind, newTraceRequest, thoughtEvent, thoughtEvents } from "../../helpers/trace-events.js";

type Svc = Client<typeof TraceService>;
interface Target {
  traceId: string;
  uploadToken: string;
}
interface Ack {
  ackedSeq: bigint;
  gap?: { expectedSeq: bigint; receivedSeq: bigint };
}

/** The two write paths; every batch rule must hold on both. */
const paths: Record<string, (c: Svc, t: Target, events: Event[]) => Promise<Ack>> = {
  AppendEvents: (c, t, events) => c.appendEvents({ ...t, events }),
  StreamEvents: async (c, t, events) => {
    async function* requests(): AsyncGenerator<StreamEventsRequest> {
      yield create(StreamEventsRequestSchema, {
        msg: { case: "open", value: { ...t, resumeFromSeq: 1n } },
      });
      yield create(StreamEventsRequestSchema, {
        msg: { case: "batch", value: { events } },
      });
    }
    const acks: Ack[] = [];
    for await (const ack of c.streamEvents(requests())) acks.push(ack);
    return acks[acks.length - 1];
  },
};

const MiB = 1024 * 1024;

describe("TraceService bad input", () => {
  let srv: TestServer;
  let alice: Svc;
  let admin: Svc;
  let open: Target; // alice's trace with events 1..3
  let sealed: Target; // alice's finalized trace
  let bobs: Target; // bob's trace

  const snapshot = async (traceId: string) =>
    Buffer.from(toBinary(GetTraceResponseSchema, await admin.getTrace({ traceId, includeEvents: true })));
  const expectCode = async (p: Promise<unknown>, code: Code, text?: string) => {
    const err = await p.then(
      () => undefined,
      (e: unknown) => ConnectError.from(e),
    );
    expect(err, "call should have failed").toBeInstanceOf(ConnectError);
    expect(Code[err!.code]).toBe(Code[code]);
    if (text) expect(err!.rawMessage).toContain(text);
  };

  beforeAll(async () => {
    srv = await createTestServer();
    alice = srv.client(testTokens.ingest);
    admin = srv.client(testTokens.admin);
    const make = async (c: Svc) => {
      const r = await c.createTrace(newTraceRequest());
      return { traceId: r.trace!.id, uploadToken: r.uploadToken };
    };
    open = await make(alice);
    await alice.appendEvents({ ...open, events: thoughtEvents(1, 3) });
    sealed = await make(alice);
    await alice.appendEvents({ ...sealed, events: thoughtEvents(1, 2) });
    await alice.finalizeTrace({ ...sealed });
    bobs = await make(srv.client(testTokens.otherIngest));
  });
  afterAll(async () => {
    await srv[Symbol.asyncDispose]();
  });

  for (const [pathName, send] of Object.entries(paths)) {
    describe(`${pathName}`, () => {
      const cases: Array<{
        name: string;
        token?: string;
        target: () => Target;
        events: () => Event[];
        code: Code;
        text: string;
      }> = [
        { name: "no token", token: undefined, target: () => open, events: () => [thoughtEvent(4)], code: Code.Unauthenticated, text: "authorization" },
        { name: "wrong token", token: "not-a-token", target: () => open, events: () => [thoughtEvent(4)], code: Code.Unauthenticated, text: "unknown" },
        { name: "upload token of another trace", target: () => ({ ...open, uploadToken: sealed.uploadToken }), events: () => [thoughtEvent(4)], code: Code.PermissionDenied, text: "upload_token" },
        { name: "read-only token writing", token: testTokens.read, target: () => open, events: () => [thoughtEvent(4)], code: Code.PermissionDenied, text: "role ingest or admin" },
        { name: "another developer's ingest token", token: testTokens.otherIngest, target: () => open, events: () => [thoughtEvent(4)], code: Code.PermissionDenied, text: "another developer" },
        { name: "unknown trace", target: () => ({ ...open, traceId: "no-such-trace" }), events: () => [thoughtEvent(4)], code: Code.NotFound, text: "no-such-trace" },
        { name: "empty upload token", target: () => ({ ...open, uploadToken: "" }), events: () => [thoughtEvent(4)], code: Code.InvalidArgument, text: "upload_token: required" },
        { name: "an oversized message (> 4 MiB)", target: () => open, events: () => [4, 5, 6, 7, 8].map((s) => commandEvent(s, "x".repeat(MiB - 200))), code: Code.ResourceExhausted, text: "readMaxBytes 4194304" },
        { name: "a batch over the limit (1001 events)", target: () => open, events: () => thoughtEvents(4, 1004), code: Code.InvalidArgument, text: "over the limit of 1000 per batch" },
        { name: "seq 0", target: () => open, events: () => [thoughtEvent(0)], code: Code.InvalidArgument, text: "events[0].seq: must be ≥ 1" },
        { name: "duplicate seqs inside one batch", target: () => open, events: () => [thoughtEvent(4), thoughtEvent(4)], code: Code.InvalidArgument, text: "events[1].seq: 4 does not follow 4" },
        { name: "descending seqs", target: () => open, events: () => [thoughtEvent(5), thoughtEvent(4)], code: Code.InvalidArgument, text: "strictly ascending" },
        { name: "events after finalize", target: () => sealed, events: () => [thoughtEvent(3)], code: Code.FailedPrecondition, text: "sealed" },
        { name: "a 10 MiB command output", target: () => open, events: () => [commandEvent(4, "y".repeat(10 * MiB))], code: Code.ResourceExhausted, text: "readMaxBytes" },
        { name: "an event over 1 MiB", target: () => open, events: () => [commandEvent(4, "z".repeat(MiB + 10))], code: Code.InvalidArgument, text: "over the 1 MiB event limit" },
        { name: "missing session_id", target: () => open, events: () => [create(EventSchema, { ...thoughtEvent(4), sessionId: "" })], code: Code.InvalidArgument, text: "events[0].session_id: required" },
        { name: "missing time", target: () => open, events: () => [create(EventSchema, { ...thoughtEvent(4), time: undefined })], code: Code.InvalidArgument, text: "events[0].time: required" },
        { name: "no kind", target: () => open, events: () => [create(EventSchema, { seq: 4n, sessionId: "t", time: thoughtEvent(4).time })], code: Code.InvalidArgument, text: "exactly one kind" },
        { name: "a path outside the repo", target: () => open, events: () => [eventOfKind(4, { case: "fileOpened", value: { path: "../etc/passwd" } })], code: Code.InvalidArgument, text: "events[0].file_opened.path" },
        { name: "an absolute path", target: () => open, events: () => [eventOfKind(4, { case: "fileDeleted", value: { path: "/etc/passwd" } })], code: Code.InvalidArgument, text: "relative to the repository root" },
        { name: "a bad sha256", target: () => open, events: () => [eventOfKind(4, { case: "fileEdit", value: { path: "a.py", beforeSha256: "XYZ" } })], code: Code.InvalidArgument, text: "before_sha256" },
        { name: "a valid event after an invalid one", target: () => open, events: () => [thoughtEvent(4), create(EventSchema, { ...thoughtEvent(5), sessionId: "" })], code: Code.InvalidArgument, text: "events[1].session_id" },
      ];
      for (const c of cases) {
        it(`refuses ${c.name} and changes nothing`, async () => {
          const target = c.target();
          const before = await snapshot(target.traceId === "no-such-trace" ? open.traceId : target.traceId);
          const client = c.token === undefined && c.name !== "no token" ? alice : srv.client(c.token);
          await expectCode(send(client, target, c.events()), c.code, c.text);
          expect(await snapshot(target.traceId === "no-such-trace" ? open.traceId : target.traceId)).toEqual(before);
        });
      }

      it("reports a gap, acks nothing past it and stores nothing past it", async () => {
        const before = await snapshot(open.traceId);
        const ack = await send(alice, open, [thoughtEvent(5), thoughtEvent(6)]);
        expect(ack.ackedSeq).toBe(3n);
        expect(ack.gap).toMatchObject({ expectedSeq: 4n, receivedSeq: 5n });
        expect(await snapshot(open.traceId)).toEqual(before);
      });

      it("treats a resent seq as a no-op", async () => {
        const before = await snapshot(open.traceId);
        const ack = await send(alice, open, [1, 2, 3].map((s) => eventOfKind(s, { case: "thought", value: { text: "changed" } })));
        expect(ack.ackedSeq).toBe(3n);
        expect(ack.gap).toBeUndefined();
        expect(await snapshot(open.traceId)).toEqual(before);
      });
    });
  }

  it("refuses bob's upload token on alice's trace", async () => {
    const before = await snapshot(open.traceId);
    await expectCode(alice.appendEvents({ ...open, uploadToken: bobs.uploadToken, events: [thoughtEvent(4)] }), Code.PermissionDenied);
    expect(await snapshot(open.traceId)).toEqual(before);
  });

  it("refuses a stream whose first message is not open", async () => {
    async function* requests() {
      yield create(StreamEventsRequestSchema, { msg: { case: "batch", value: { events: [thoughtEvent(4)] } } });
    }
    const drain = async () => {
      for await (const _ of alice.streamEvents(requests())) void _;
    };
    await expectCode(drain(), Code.InvalidArgument, "first message of a stream must be open");
  });

  it("refuses a second open on a stream", async () => {
    async function* requests() {
      yield create(StreamEventsRequestSchema, { msg: { case: "open", value: open } });
      yield create(StreamEventsRequestSchema, { msg: { case: "open", value: open } });
    }
    const drain = async () => {
      for await (const _ of alice.streamEvents(requests())) void _;
    };
    await expectCode(drain(), Code.InvalidArgument, "every message after open must be a batch");
  });

  describe("other calls", () => {
    const traceCount = async () => (await admin.listTraces({ pageSize: 500 })).traces.length;
    const table: Array<{ name: string; call: (c: Record<string, Svc>) => Promise<unknown>; code: Code; text: string }> = [
      { name: "CreateTrace with a read token", call: (c) => c.read.createTrace(newTraceRequest()), code: Code.PermissionDenied, text: "CreateTrace needs" },
      { name: "CreateTrace for another developer", call: (c) => c.alice.createTrace(newTraceRequest("bob")), code: Code.PermissionDenied, text: 'developer.id "bob"' },
      { name: "CreateTrace without task", call: (c) => c.alice.createTrace({ developer: { id: "alice" } }), code: Code.InvalidArgument, text: "task: required" },
      { name: "CreateTrace without repo_url", call: (c) => c.alice.createTrace({ ...newTraceRequest(), task: { ...newTraceRequest().task!, repoUrl: "" } }), code: Code.InvalidArgument, text: "task.repo_url: required" },
      { name: "CreateTrace with a bad base_commit", call: (c) => c.alice.createTrace({ ...newTraceRequest(), task: { ...newTraceRequest().task!, baseCommit: "main" } }), code: Code.InvalidArgument, text: "task.base_commit" },
      { name: "CreateTrace with an oversized description", call: (c) => c.alice.createTrace({ ...newTraceRequest(), task: { ...newTraceRequest().task!, description: "d".repeat(64 * 1024 + 1) } }), code: Code.InvalidArgument, text: "64 KiB" },
      { name: "ListTraces with an invalid enum value", call: (c) => c.read.listTraces({ filter: { statuses: [99 as TraceStatus] } }), code: Code.InvalidArgument, text: "filter.statuses[0]: 99 is not a TraceStatus" },
      { name: "ListTraces with status UNSPECIFIED", call: (c) => c.read.listTraces({ filter: { statuses: [TraceStatus.UNSPECIFIED] } }), code: Code.InvalidArgument, text: "filter.statuses[0]" },
      { name: "ListTraces with a score out of range", call: (c) => c.read.listTraces({ filter: { minScore: 1.5 } }), code: Code.InvalidArgument, text: "filter.min_score" },
      { name: "ListTraces with page_size 501", call: (c) => c.read.listTraces({ pageSize: 501 }), code: Code.InvalidArgument, text: "page_size" },
      { name: "ListTraces with a forged page token", call: (c) => c.read.listTraces({ pageToken: "garbage!" }), code: Code.InvalidArgument, text: "page_token" },
      { name: "ListTraces with an ingest token", call: (c) => c.alice.listTraces({}), code: Code.PermissionDenied, text: "ListTraces needs" },
      { name: "GetTrace without trace_id", call: (c) => c.read.getTrace({}), code: Code.InvalidArgument, text: "trace_id: required" },
      { name: "GetTrace of an unknown trace", call: (c) => c.read.getTrace({ traceId: "nope" }), code: Code.NotFound, text: "nope" },
      { name: "GetTrace of another developer's trace", call: (c) => c.bob.getTrace({ traceId: open.traceId }), code: Code.PermissionDenied, text: "own traces" },
      { name: "DeleteTrace with a read token", call: (c) => c.read.deleteTrace({ traceId: open.traceId }), code: Code.PermissionDenied, text: "DeleteTrace" },
      { name: "DeleteTrace of another developer's trace", call: (c) => c.bob.deleteTrace({ traceId: open.traceId }), code: Code.PermissionDenied, text: "DeleteTrace" },
      { name: "FinalizeTrace with a read token", call: (c) => c.read.finalizeTrace({ ...open }), code: Code.PermissionDenied, text: "FinalizeTrace" },
      { name: "FinalizeTrace with another trace's upload token", call: (c) => c.alice.finalizeTrace({ ...open, uploadToken: sealed.uploadToken }), code: Code.PermissionDenied, text: "upload_token" },
      { name: "FinalizeTrace with an oversized patch", call: (c) => c.alice.finalizeTrace({ ...open, finalPatch: "p".repeat(8 * MiB + 1) }), code: Code.InvalidArgument, text: "final_patch" },
    ];
    for (const c of table) {
      it(`refuses ${c.name} and changes nothing`, async () => {
        const clients = { alice, bob: srv.client(testTokens.otherIngest), read: srv.client(testTokens.read), admin };
        const [before, count] = [await snapshot(open.traceId), await traceCount()];
        await expectCode(c.call(clients), c.code, c.text);
        expect(await snapshot(open.traceId)).toEqual(before);
        expect(await traceCount()).toBe(count);
      });
    }
  });
});
