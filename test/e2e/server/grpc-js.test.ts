import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { toBinary } from "@bufbuild/protobuf";
import { service as healthService } from "grpc-health-check";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GetTraceResponseSchema } from "../../../gen/devtrace/v1/trace_service_pb.js";
import { startTestServer, testTokens } from "../../helpers/devtrace-server.js";
import type { ListeningTestServer } from "../../helpers/devtrace-server.js";
import { repoRoot } from "../../helpers/server-process.js";

/* The canonical gRPC implementation, with the .proto files loaded at run time: proves wire compatibility. */
const definition = protoLoader.loadSync("devtrace/v1/trace_service.proto", {
  includeDirs: [join(repoRoot, "proto")],
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
});
const pkg = grpc.loadPackageDefinition(definition) as unknown as {
  devtrace: { v1: { TraceService: grpc.ServiceClientConstructor } };
};

type Obj = Record<string, unknown>;
type Unary = (req: Obj, md: grpc.Metadata, cb: (err: grpc.ServiceError | null, res: Obj) => void) => void;

function metadata(token?: string): grpc.Metadata {
  const md = new grpc.Metadata();
  if (token) md.set("authorization", `Bearer ${token}`);
  return md;
}

function call(client: grpc.Client, method: string, req: Obj, token?: string): Promise<Obj> {
  return new Promise((resolve, reject) => {
    const fn = (client as unknown as Record<string, Unary>)[method].bind(client);
    fn(req, metadata(token), (err, res) => (err ? reject(err) : resolve(res)));
  });
}

function statusOf(p: Promise<unknown>): Promise<[number, string]> {
  return p.then(
    () => [grpc.status.OK, ""],
    // connect-node percent-encodes grpc-message fully; grpc-js decodes with decodeURI, which leaves "%3A".
    (e: grpc.ServiceError) => [e.code, decodeURIComponent(e.details)],
  );
}

const event = (seq: number) => ({ seq: String(seq), session_id: "term-1", time: { seconds: "1767225600", nanos: 0 }, thought: { text: `t${seq}`, tags: [] } });

describe("@grpc/grpc-js client", () => {
  let srv: ListeningTestServer;
  let client: grpc.Client;
  const target = () => srv.url.replace("http://", "");

  beforeAll(async () => {
    srv = await startTestServer();
    client = new pkg.devtrace.v1.TraceService(target(), grpc.credentials.createInsecure());
  });
  afterAll(async () => {
    client.close();
    await srv[Symbol.asyncDispose]();
  });

  it("checks health with the standard grpc.health.v1 client, no token needed", async () => {
    const Health = grpc.makeGenericClientConstructor(healthService, "Health");
    const health = new Health(target(), grpc.credentials.createInsecure());
    try {
      const res = await call(health, "check", { service: "devtrace.v1.TraceService" });
      expect(res.status).toBe("SERVING");
      const [code] = await statusOf(call(health, "check", { service: "nope.Service" }));
      expect(code).toBe(grpc.status.NOT_FOUND);
    } finally {
      health.close();
    }
  });

  it("creates a trace, streams events bidirectionally and reads them back", async () => {
    const created = await call(client, "CreateTrace", {
      task: { repo_url: "https://example.invalid/shop.git", base_commit: "0123abcd", test_command: "pytest -q" },
    }, testTokens.ingest);
    const trace = created.trace as Obj;
    const traceId = trace.id as string;
    const uploadToken = created.upload_token as string;
    expect(trace.status).toBe("TRACE_STATUS_OPEN");

    const stream = (client as unknown as Record<string, (md: grpc.Metadata) => grpc.ClientDuplexStream<Obj, Obj>>)
      .StreamEvents.bind(client)(metadata(testTokens.ingest));
    const acks: string[] = [];
    const ended = new Promise<void>((resolve, reject) => {
      stream.on("data", (r: Obj) => {
        acks.push(r.acked_seq as string);
        if (acks.length === 1) stream.write({ batch: { events: [1, 2, 3].map(event) } });
        if (acks.length === 2) stream.write({ batch: { events: [3, 4, 5].map(event) } });
        if (acks.length === 3) stream.end();
      });
      stream.on("end", resolve);
      stream.on("error", reject);
    });
    stream.write({ open: { trace_id: traceId, upload_token: uploadToken, resume_from_seq: "1" } });
    await ended;
    expect(acks).toEqual(["0", "3", "5"]);

    const got = await call(client, "GetTrace", { trace_id: traceId, include_events: true }, testTokens.read);
    expect((got.events as Obj[]).map((e) => [e.seq, (e.thought as Obj).text])).toEqual([
      ["1", "t1"], ["2", "t2"], ["3", "t3"], ["4", "t4"], ["5", "t5"],
    ]);
    const fin = await call(client, "FinalizeTrace", { trace_id: traceId, upload_token: uploadToken }, testTokens.ingest);
    expect((fin.trace as Obj).status).toBe("TRACE_STATUS_QUEUED");
  });

  it("answers bad input with precise statuses and stores nothing", async () => {
    const created = await call(client, "CreateTrace", { task: { repo_url: "https://example.invalid/r.git", base_commit: "0123abcd" } }, testTokens.ingest);
    const traceId = (created.trace as Obj).id as string;
    const uploadToken = created.upload_token as string;
    await call(client, "AppendEvents", { trace_id: traceId, upload_token: uploadToken, events: [event(1)] }, testTokens.ingest);
    const snapshot = async () =>
      Buffer.from(toBinary(GetTraceResponseSchema, await srv.client(testTokens.admin).getTrace({ traceId, includeEvents: true })));
    const before = await snapshot();

    const append = (events: Obj[], token?: string, tok = uploadToken) =>
      statusOf(call(client, "AppendEvents", { trace_id: traceId, upload_token: tok, events }, token));
    // Raw bytes that are not a valid protobuf message: field 3 (events) claims 2^31 bytes.
    const malformed = () => new Promise<void>((resolve, reject) =>
      client.makeUnaryRequest(
        "/devtrace.v1.TraceService/AppendEvents",
        () => Buffer.from([0x1a, 0xff, 0xff, 0xff, 0xff, 0x07, 0x01]),
        (b: Buffer) => b,
        Buffer.alloc(0),
        metadata(testTokens.ingest),
        (err) => (err ? reject(err) : resolve()),
      ),
    );
    const results = {
      "no token": await append([event(2)]),
      "wrong token": await append([event(2)], "wrong"),
      "read token": await append([event(2)], testTokens.read),
      "seq 0": await append([event(0)], testTokens.ingest),
      "malformed bytes": await statusOf(malformed()),
      "oversized message": await append([1, 2, 3, 4, 5].map((s) => ({ ...event(s + 1), thought: undefined, terminal_command: { output: "x".repeat(1_000_000) } })), testTokens.ingest),
    };
    expect(Object.fromEntries(Object.entries(results).map(([k, [code]]) => [k, grpc.status[code]]))).toEqual({
      "no token": "UNAUTHENTICATED",
      "wrong token": "UNAUTHENTICATED",
      "read token": "PERMISSION_DENIED",
      "seq 0": "INVALID_ARGUMENT",
      "malformed bytes": "INTERNAL",
      "oversized message": "RESOURCE_EXHAUSTED",
    });
    expect(results["seq 0"][1]).toContain("events[0].seq: must be ≥ 1");
    expect(results["malformed bytes"][1]).toContain("parse binary");
    expect(results["oversized message"][1]).toContain("readMaxBytes");
    expect(await snapshot()).toEqual(before);
  });
});
