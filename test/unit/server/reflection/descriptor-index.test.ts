import { fromBinary } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema } from "@bufbuild/protobuf/wkt";
import { describe, expect, it } from "vitest";
import { file_devtrace_v1_trace_service } from "../../../../gen/devtrace/v1/trace_service_pb.js";
import { file_health_v1_health } from "../../../../gen/health/v1/health_pb.js";
import { DescriptorIndex } from "../../../../server/reflection/descriptor-index.js";

const names = (files: Uint8Array[] | undefined) => files?.map((b) => fromBinary(FileDescriptorProtoSchema, b).name);

describe("DescriptorIndex", () => {
  const index = new DescriptorIndex([file_devtrace_v1_trace_service, file_health_v1_health]);

  it("lists the services of the root files", () => {
    expect(index.services).toEqual(["devtrace.v1.TraceService", "grpc.health.v1.Health"]);
  });

  it("finds the file of a service with every dependency, the file itself first", () => {
    const files = names(index.bySymbol("devtrace.v1.TraceService"));
    expect(files?.[0]).toBe("devtrace/v1/trace_service.proto");
    expect(new Set(files)).toEqual(
      new Set([
        "devtrace/v1/trace_service.proto",
        "devtrace/v1/event.proto",
        "devtrace/v1/trace.proto",
        "devtrace/v1/qa.proto",
        "devtrace/v1/redaction.proto",
        "google/protobuf/timestamp.proto",
      ]),
    );
  });

  it.each([
    ["devtrace.v1.TraceService.StreamEvents", "devtrace/v1/trace_service.proto"],
    [".devtrace.v1.Event", "devtrace/v1/event.proto"],
    ["devtrace.v1.TraceStatus", "devtrace/v1/trace.proto"],
    ["devtrace.v1.Event.seq", "devtrace/v1/event.proto"],
    ["google.protobuf.Timestamp", "google/protobuf/timestamp.proto"],
    ["grpc.health.v1.HealthCheckResponse.ServingStatus", "health/v1/health.proto"],
  ])("finds %s in %s", (symbol, file) => {
    expect(names(index.bySymbol(symbol))?.[0]).toBe(file);
  });

  it("finds files by name and answers undefined for unknown ones", () => {
    expect(names(index.byFilename("google/protobuf/timestamp.proto"))).toEqual(["google/protobuf/timestamp.proto"]);
    expect(index.byFilename("nope.proto")).toBeUndefined();
    expect(index.bySymbol("devtrace.v1.Nope")).toBeUndefined();
  });
});
