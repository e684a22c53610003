/**
 * Part 4's limits: a bare unary server that answers GetTrace and ListTraces with fixed
 * responses, decoding each request and encoding each response with protobuf-es exactly
 * as the devtrace server does, and nothing else (no auth, no store, no interceptors).
 *
 *   kind "grpc-js":      @grpc/grpc-js Server
 *   kind "connect-node": connectNodeAdapter on node:http2 (what devtrace is built on)
 *
 * Prints { port } once listening; runs until SIGTERM.
 */
import { readFileSync } from "node:fs";
import http2 from "node:http2";
import { fromBinary, toBinary } from "@bufbuild/protobuf";
import type { DescMessage, MessageShape } from "@bufbuild/protobuf";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import * as grpc from "@grpc/grpc-js";
import {
  GetTraceRequestSchema, GetTraceResponseSchema, ListTracesRequestSchema, ListTracesResponseSchema, TraceService,
} from "../../gen/devtrace/v1/trace_service_pb.js";
import { childInput } from "../lib/child-task.js";

/** What the parent passes. */
export interface EchoServerInput {
  kind: "grpc-js" | "connect-node";
  /** JSON file: { getTrace, listTraces } as base64 of the binary responses. */
  responsesFile: string;
}

const input = childInput<EchoServerInput>();
const raw = JSON.parse(readFileSync(input.responsesFile, "utf8")) as { getTrace: string; listTraces: string };
const getTraceResponse = fromBinary(GetTraceResponseSchema, Buffer.from(raw.getTrace, "base64"));
const listTracesResponse = fromBinary(ListTracesResponseSchema, Buffer.from(raw.listTraces, "base64"));

function method<I extends DescMessage, O extends DescMessage>(name: string, req: I, res: O): grpc.MethodDefinition<MessageShape<I>, MessageShape<O>> {
  return {
    path: `/${TraceService.typeName}/${name}`,
    requestStream: false,
    responseStream: false,
    requestSerialize: (m) => Buffer.from(toBinary(req, m)),
    requestDeserialize: (b) => fromBinary(req, b),
    responseSerialize: (m) => Buffer.from(toBinary(res, m)),
    responseDeserialize: (b) => fromBinary(res, b),
  };
}

function startGrpcJs(): Promise<number> {
  const server = new grpc.Server();
  const def = {
    GetTrace: method("GetTrace", GetTraceRequestSchema, GetTraceResponseSchema),
    ListTraces: method("ListTraces", ListTracesRequestSchema, ListTracesResponseSchema),
  };
  server.addService(def, {
    GetTrace: (_call: unknown, cb: grpc.sendUnaryData<typeof getTraceResponse>) => cb(null, getTraceResponse),
    ListTraces: (_call: unknown, cb: grpc.sendUnaryData<typeof listTracesResponse>) => cb(null, listTracesResponse),
  });
  process.once("SIGTERM", () => process.exit(0));
  return new Promise((resolve, reject) => server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, port) => (err ? reject(err) : resolve(port))));
}

function startConnectNode(): Promise<number> {
  const handler = connectNodeAdapter({
    routes: (router) => {
      router.rpc(TraceService.method.getTrace, async () => getTraceResponse);
      router.rpc(TraceService.method.listTraces, async () => listTracesResponse);
    },
  });
  const server = http2.createServer({}, handler);
  process.once("SIGTERM", () => process.exit(0));
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as { port: number }).port)));
}

const port = input.kind === "grpc-js" ? await startGrpcJs() : await startConnectNode();
process.stdout.write(`${JSON.stringify({ port })}\n`);
