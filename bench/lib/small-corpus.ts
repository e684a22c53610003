import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { create, toBinary } from "@bufbuild/protobuf";
import { EventSchema } from "../../gen/devtrace/v1/event_pb.js";
import type { Event } from "../../gen/devtrace/v1/event_pb.js";
import { GetTraceResponseSchema, ListTracesResponseSchema } from "../../gen/devtrace/v1/trace_service_pb.js";
import type { GetTraceResponse, ListTracesResponse } from "../../gen/devtrace/v1/trace_service_pb.js";
import { createBenchTrace, grpcClient } from "./clients.js";
import { eventMix } from "./event-mix.js";
import type { Credentials } from "./server-child.js";

/** A server holding 60 traces, the newest with 10 small events; the answers it gives. */
export interface SmallCorpus {
  traceId: string;
  getTrace: GetTraceResponse;
  listTraces: ListTracesResponse;
  /** The two answers as binary, for the bare echo servers (limits/echo-server.ts). */
  responsesFile: string;
}

/** Ten events of the usual mix, each under 600 B encoded (a "small trace"). */
function smallEvents(): Event[] {
  const small = eventMix(200, 3).filter((e) => toBinary(EventSchema, e).length < 600).slice(0, 10);
  return small.map((e, i) => create(EventSchema, { ...e, seq: BigInt(i + 1) }));
}

/** Fills a fresh server for the unary benches (parts 4 and 8) and records its answers. */
export async function prepareSmallCorpus(url: string, creds: Credentials, dir: string): Promise<SmallCorpus> {
  let traceId: string;
  {
    using ingest = grpcClient(url, creds.ingest_token);
    // The trace with events goes last, so it leads the newest-first page.
    for (let i = 0; i < 59; i++) await createBenchTrace(ingest.client);
    const trace = await createBenchTrace(ingest.client);
    await ingest.client.appendEvents({ traceId: trace.traceId, uploadToken: trace.uploadToken, events: smallEvents() });
    traceId = trace.traceId;
  }
  using reader = grpcClient(url, creds.read_token);
  const getTrace = await reader.client.getTrace({ traceId, includeEvents: true });
  const listTraces = await reader.client.listTraces({ pageSize: 0 });
  const responsesFile = join(dir, "echo-responses.json");
  writeFileSync(responsesFile, JSON.stringify({
    getTrace: Buffer.from(toBinary(GetTraceResponseSchema, getTrace)).toString("base64"),
    listTraces: Buffer.from(toBinary(ListTracesResponseSchema, listTraces)).toString("base64"),
  }));
  return { traceId, getTrace, listTraces, responsesFile };
}
