import { createClient } from "@connectrpc/connect";
import { create, fromBinary } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema } from "@bufbuild/protobuf/wkt";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ServerReflection as ReflectionV1 } from "../../../gen/grpc/reflection/v1/reflection_pb.js";
import { ServerReflection as ReflectionV1alpha, ServerReflectionRequestSchema } from "../../../gen/grpc/reflection/v1alpha/reflection_pb.js";
import { ServerReflectionRequestSchema as RequestV1Schema } from "../../../gen/grpc/reflection/v1/reflection_pb.js";
import { Health, HealthCheckResponse_ServingStatus as Status } from "../../../gen/health/v1/health_pb.js";
import { createTestServer } from "../../helpers/devtrace-server.js";
import type { TestServer } from "../../helpers/devtrace-server.js";

describe("grpc.health.v1.Health", () => {
  let srv: TestServer;
  beforeEach(async () => {
    srv = await createTestServer();
  });
  afterEach(async () => {
    await srv[Symbol.asyncDispose]();
  });

  it("answers Check and List for the server and TraceService, NOT_FOUND for others", async () => {
    const h = createClient(Health, srv.transport());
    expect((await h.check({ service: "" })).status).toBe(Status.SERVING);
    expect((await h.check({ service: "devtrace.v1.TraceService" })).status).toBe(Status.SERVING);
    await expect(h.check({ service: "other.Service" })).rejects.toThrow(/unknown service/);
    expect(Object.keys((await h.list({})).statuses).sort()).toEqual(["", "devtrace.v1.TraceService"]);
  });

  it("Watch reports SERVING, then NOT_SERVING when shutdown begins, and ends", async () => {
    const h = createClient(Health, srv.transport());
    const seen: Status[] = [];
    for await (const r of h.watch({ service: "" })) {
      seen.push(r.status);
      if (seen.length === 1) void srv.server.shutdown(5000);
    }
    expect(seen).toEqual([Status.SERVING, Status.NOT_SERVING]);
  });
});

describe("server reflection", () => {
  let srv: TestServer;
  beforeEach(async () => {
    srv = await createTestServer();
  });
  afterEach(async () => {
    await srv[Symbol.asyncDispose]();
  });

  it("answers v1alpha list_services, file_containing_symbol and errors in one stream", async () => {
    const r = createClient(ReflectionV1alpha, srv.transport());
    async function* requests() {
      yield create(ServerReflectionRequestSchema, { messageRequest: { case: "listServices", value: "" } });
      yield create(ServerReflectionRequestSchema, { messageRequest: { case: "fileContainingSymbol", value: "devtrace.v1.TraceService.StreamEvents" } });
      yield create(ServerReflectionRequestSchema, { messageRequest: { case: "fileByFilename", value: "nope.proto" } });
    }
    const answers = [];
    for await (const a of r.serverReflectionInfo(requests())) answers.push(a);
    expect(answers).toHaveLength(3);
    const [list, file, missing] = answers.map((a) => a.messageResponse);
    expect(list.case === "listServicesResponse" && list.value.service.map((s) => s.name)).toContain("devtrace.v1.TraceService");
    expect(file.case).toBe("fileDescriptorResponse");
    if (file.case === "fileDescriptorResponse") {
      const first = fromBinary(FileDescriptorProtoSchema, file.value.fileDescriptorProto[0]);
      expect(first.name).toBe("devtrace/v1/trace_service.proto");
      expect(first.service[0].method.map((m) => m.name)).toContain("StreamEvents");
    }
    expect(missing.case === "errorResponse" && missing.value.errorCode).toBe(5);
  });

  it("answers v1 the same way, without a token", async () => {
    const r = createClient(ReflectionV1, srv.transport());
    async function* requests() {
      yield create(RequestV1Schema, { messageRequest: { case: "fileByFilename", value: "google/protobuf/timestamp.proto" } });
    }
    for await (const a of r.serverReflectionInfo(requests())) {
      expect(a.messageResponse.case).toBe("fileDescriptorResponse");
    }
  });
});
