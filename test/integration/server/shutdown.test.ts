import { Code, ConnectError } from "@connectrpc/connect";
import { create } from "@bufbuild/protobuf";
import { afterEach, describe, expect, it } from "vitest";
import { StreamEventsRequestSchema } from "../../../gen/devtrace/v1/trace_service_pb.js";
import type { StreamEventsResponse } from "../../../gen/devtrace/v1/trace_service_pb.js";
import { createTestServer, testTokens } from "../../helpers/devtrace-server.js";
import { wrapAppend } from "../../helpers/wrap-append.js";
import type { TestServer } from "../../helpers/devtrace-server.js";
import { newTraceRequest, thoughtEvents } from "../../helpers/trace-events.js";

describe("DevtraceServer.shutdown()", () => {
  let srv: TestServer | undefined;
  afterEach(async () => {
    await srv?.[Symbol.asyncDispose]();
  });

  it("finishes and acks the batch being written, then ends the stream with UNAVAILABLE", async () => {
    let release!: () => void;
    let entered!: () => void;
    const writing = new Promise<void>((r) => (entered = r));
    const held = new Promise<void>((r) => (release = r));
    let hold = false;
    const wrapStore = wrapAppend((real) => async (id, events) => {
      if (hold) {
        entered();
        await held;
      }
      return real(id, events);
    });
    srv = await createTestServer({ wrapStore });
    const alice = srv.client(testTokens.ingest);
    const { trace, uploadToken } = await alice.createTrace(newTraceRequest());
    const traceId = trace!.id;
    let sendSecond!: () => void;
    const second = new Promise<void>((r) => (sendSecond = r));
    async function* requests() {
      yield create(StreamEventsRequestSchema, { msg: { case: "open", value: { traceId, uploadToken } } });
      yield create(StreamEventsRequestSchema, { msg: { case: "batch", value: { events: thoughtEvents(1, 5) } } });
      await second;
      hold = true;
      yield create(StreamEventsRequestSchema, { msg: { case: "batch", value: { events: thoughtEvents(6, 10) } } });
      await new Promise(() => {}); // the client keeps the stream open
    }
    const acks: StreamEventsResponse[] = [];
    let error: ConnectError | undefined;
    const consuming = (async () => {
      try {
        for await (const a of alice.streamEvents(requests())) {
          acks.push(a);
          if (a.ackedSeq === 5n) sendSecond();
        }
      } catch (e) {
        error = ConnectError.from(e);
      }
    })();
    await writing;
    const shutdown = srv.server.shutdown(10_000);
    // New work is refused while draining.
    const late = await alice.getTrace({ traceId }).catch((e: unknown) => ConnectError.from(e));
    expect((late as ConnectError).code).toBe(Code.Unavailable);
    release();
    expect(await shutdown).toBe(true);
    await consuming;
    expect(acks.map((a) => a.ackedSeq)).toEqual([0n, 5n, 10n]);
    expect(error?.code).toBe(Code.Unavailable);
    expect(error?.rawMessage).toContain("shutting down");
    expect((await srv.store.getTrace(traceId))!.trace.ackedSeq).toBe(10n);
  });
});
