import type { ConnectRouter } from "@connectrpc/connect";
import type { DescFile } from "@bufbuild/protobuf";
import { ServerReflection as ReflectionV1 } from "../../gen/grpc/reflection/v1/reflection_pb.js";
import type { ServerReflectionRequest as RequestV1 } from "../../gen/grpc/reflection/v1/reflection_pb.js";
import { ServerReflection as ReflectionV1alpha } from "../../gen/grpc/reflection/v1alpha/reflection_pb.js";
import type { ServerReflectionRequest as RequestV1alpha } from "../../gen/grpc/reflection/v1alpha/reflection_pb.js";
import { DescriptorIndex } from "./descriptor-index.js";

/** gRPC status codes used inside reflection's ErrorResponse (not thrown: the stream goes on). */
const NOT_FOUND = 5;
const UNIMPLEMENTED = 12;

type AnyRequest = RequestV1 | RequestV1alpha;

/** The answer to one reflection request; both protocol versions share the shape. */
function answer(index: DescriptorIndex, req: AnyRequest) {
  const r = req.messageRequest;
  const files = (found: Uint8Array[] | undefined, what: string) =>
    found
      ? { case: "fileDescriptorResponse" as const, value: { fileDescriptorProto: found } }
      : { case: "errorResponse" as const, value: { errorCode: NOT_FOUND, errorMessage: `${what} not found` } };
  switch (r.case) {
    case "listServices":
      return { case: "listServicesResponse" as const, value: { service: index.services.map((name) => ({ name })) } };
    case "fileByFilename":
      return files(index.byFilename(r.value), `file "${r.value}"`);
    case "fileContainingSymbol":
      return files(index.bySymbol(r.value), `symbol "${r.value}"`);
    case "fileContainingExtension":
      return files(undefined, `extension ${r.value.containingType}#${r.value.extensionNumber}`);
    case "allExtensionNumbersOfType":
      return { case: "allExtensionNumbersResponse" as const, value: { baseTypeName: r.value, extensionNumber: [] } };
    default:
      return { case: "errorResponse" as const, value: { errorCode: UNIMPLEMENTED, errorMessage: "unknown request" } };
  }
}

/**
 * grpc.reflection.v1 and v1alpha ServerReflection, answered from the descriptors compiled
 * into gen/, so `grpcurl list` / `describe` / calls work with no .proto file at hand.
 */
export function registerReflectionService(router: ConnectRouter, roots: readonly DescFile[]): void {
  const index = new DescriptorIndex(roots);
  router.service(ReflectionV1, {
    async *serverReflectionInfo(requests) {
      for await (const req of requests) {
        yield { validHost: req.host, originalRequest: req, messageResponse: answer(index, req) };
      }
    },
  });
  router.service(ReflectionV1alpha, {
    async *serverReflectionInfo(requests) {
      for await (const req of requests) {
        yield { validHost: req.host, originalRequest: req, messageResponse: answer(index, req) };
      }
    },
  });
}
