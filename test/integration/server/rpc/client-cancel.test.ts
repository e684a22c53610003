import { Writable } from "node:stream";
import { create } from "@bufbuild/protobuf";
import { createClient } from "@connectrpc/connect";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { ServerReflection, ServerReflectionRequestSchema } from "../../../../gen/grpc/reflection/v1/reflection_pb.js";
import type { ServerReflectionRequest } from "../../../../gen/grpc/reflection/v1/reflection_pb.js";
import { StreamEventsRequestSchema, TraceService } from "../../../../gen/devtrace/v1/trace_service_pb.js";
import type { StreamEventsRequest } from "../../../../gen/devtrace/v1/trace_service_pb.js";
import { grpcTransport, startTestServer, testTokens } from "../../../helpers/devtrace-server.js";
import { pollUntil } from "../../../helpers/poll.js";
import { newTraceRequest } from "../../../helpers/trace-events.js";

/** A bidi call whose client reads the first answer and then walks away (abort). */
async function readOneThenCancel<T>(call: (signal: AbortSignal) => AsyncIterable<T>): Promise<void> {
  const abort = new AbortController();
  try {
    for await (const _ of call(abort.signal)) {
      abort.abort();
    }
  } catch {
    // the client's own cancel
  }
}

describe("a client that cancels a stream", () => {
  it("is logged and counted as a cancel, not as an internal error", { timeout: 60_000 }, async () => {
    const lines: string[] = [];
    const logger = pino({ level: "debug" }, new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) }));
    await using srv = await startTestServer({ logger });
    const reflection = createClient(ServerReflection, grpcTransport(srv.url));
    const never = new Promise<void>(() => {});
    await readOneThenCancel((signal) =>
      reflection.serverReflectionInfo(
        (async function* (): AsyncGenerator<ServerReflectionRequest> {
          yield create(ServerReflectionRequestSchema, { messageRequest: { case: "listServices", value: "" } });
          await never;
        })(),
        { signal },
      ),
    );
    const ingest = createClient(TraceService, grpcTransport(srv.url, testTokens.ingest));
    const { trace, uploadToken } = await ingest.createTrace(newTraceRequest());
    await readOneThenCancel((signal) =>
      ingest.streamEvents(
        (async function* (): AsyncGenerator<StreamEventsRequest> {
          yield create(StreamEventsRequestSchema, { msg: { case: "open", value: { traceId: trace!.id, uploadToken } } });
          await never;
        })(),
        { signal },
      ),
    );
    const counted = async (method: string) => {
      const text = await srv.server.metrics.registry.metrics();
      return new RegExp(`devtrace_rpcs_total\\{method="${method}",code="Canceled"\\} 1`).test(text) ? text : undefined;
    };
    await pollUntil("both cancels counted", async () => (await counted("ServerReflectionInfo")) && (await counted("StreamEvents")), {
      timeoutMs: 10_000,
      describe: () => lines.join("").slice(-2000),
    });
    const text = await srv.server.metrics.registry.metrics();
    expect(text).not.toMatch(/code="Internal"/);
    expect(lines.filter((l) => l.includes('"internal error"'))).toEqual([]);
    expect(lines.filter((l) => l.includes("client cancelled the call")).length).toBeGreaterThanOrEqual(2);
  });
});
