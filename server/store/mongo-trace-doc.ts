import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { QaResultSchema } from "../../gen/devtrace/v1/qa_pb.js";
import { RedactionSummarySchema, type RedactionSummary } from "../../gen/devtrace/v1/redaction_pb.js";
import { mergeSummaries } from "../redact/redaction-summary.js";
import type { QaResult } from "../../gen/devtrace/v1/qa_pb.js";
import { DeveloperSchema, EnvironmentSchema, TaskSchema, TraceSchema, TraceStatus } from "../../gen/devtrace/v1/trace_pb.js";
import type { Trace } from "../../gen/devtrace/v1/trace_pb.js";
import { getBlob, inlineLimitBytes, putBlob } from "./mongo-blobs.js";
import type { BlobRef, Collections, TraceDoc } from "./mongo-schema.js";
import { mongoSchemaVersion } from "./mongo-schema.js";
import type { NewTrace } from "./store.js";

/** The bytes of a Binary field, whichever way the driver handed it back. */
export function bytesOf(value: { buffer: Uint8Array } | Uint8Array): Uint8Array {
  return value instanceof Uint8Array ? value : value.buffer;
}

/** The trace document for a new trace. */
export function newTraceDoc(input: NewTrace): TraceDoc {
  return {
    _id: input.id,
    v: mongoSchemaVersion,
    developerId: input.developer.id,
    repoUrl: input.task.repoUrl,
    requestKey: input.requestId ? `req:${input.developer.id}\u0000${input.requestId}` : `id:${input.id}`,
    status: TraceStatus.OPEN,
    statusDetail: "",
    createdAt: input.createdAt,
    updatedAt: input.createdAt,
    ackedSeq: 0n,
    uploadTokenHash: input.uploadTokenHash,
    developer: toBinary(DeveloperSchema, input.developer),
    task: toBinary(TaskSchema, input.task),
    environment: toBinary(EnvironmentSchema, input.environment),
    ...(input.redaction ? { redaction: toBinary(RedactionSummarySchema, input.redaction) } : {}),
  };
}

/** The requestKey a retried CreateTrace looks its first trace up by. */
export function requestKeyOf(input: NewTrace): string | undefined {
  return input.requestId ? `req:${input.developer.id}\u0000${input.requestId}` : undefined;
}

/** Rebuilds the Trace message, fetching fields that live in blobs. */
export async function docToTrace(c: Collections, doc: TraceDoc): Promise<Trace> {
  const patch = doc.finalPatchBlob ? Buffer.from(await getBlob(c, doc.finalPatchBlob)).toString("utf8") : (doc.finalPatch ?? "");
  const qaBytes = doc.qaBlob ? await getBlob(c, doc.qaBlob) : doc.qa ? bytesOf(doc.qa) : undefined;
  return create(TraceSchema, {
    id: doc._id,
    developer: fromBinary(DeveloperSchema, bytesOf(doc.developer)),
    task: fromBinary(TaskSchema, bytesOf(doc.task)),
    environment: fromBinary(EnvironmentSchema, bytesOf(doc.environment)),
    status: doc.status,
    statusDetail: doc.statusDetail,
    createdAt: timestampFromDate(doc.createdAt),
    updatedAt: timestampFromDate(doc.updatedAt),
    sealedAt: doc.sealedAt ? timestampFromDate(doc.sealedAt) : undefined,
    eventCount: BigInt(doc.ackedSeq),
    ackedSeq: BigInt(doc.ackedSeq),
    finalPatch: patch,
    qa: qaBytes === undefined ? undefined : fromBinary(QaResultSchema, qaBytes),
    redaction: redactionOf(doc),
  });
}

/** The trace's own redaction counts: CreateTrace's plus FinalizeTrace's. */
function redactionOf(doc: TraceDoc): RedactionSummary | undefined {
  if (!doc.redaction && !doc.redactionSeal) return undefined;
  const parts = [doc.redaction, doc.redactionSeal].map((b) => (b ? fromBinary(RedactionSummarySchema, bytesOf(b)) : undefined));
  return mergeSummaries(...parts);
}

/** Places the final patch inline, or in a blob when large. */
export async function placePatch(c: Collections, traceId: string, patch: string): Promise<{ set: Partial<TraceDoc>; blob?: BlobRef }> {
  const bytes = Buffer.from(patch, "utf8");
  if (bytes.length <= inlineLimitBytes) return { set: { finalPatch: patch } };
  const blob = await putBlob(c, traceId, bytes);
  return { set: { finalPatchBlob: blob }, blob };
}

/** Places a QA result inline, or in a blob when large. */
export async function placeQa(c: Collections, traceId: string, qa: QaResult): Promise<{ set: Partial<TraceDoc>; unset: string; blob?: BlobRef }> {
  const bytes = toBinary(QaResultSchema, qa);
  if (bytes.length <= inlineLimitBytes) return { set: { qa: bytes }, unset: "qaBlob" };
  const blob = await putBlob(c, traceId, bytes);
  return { set: { qaBlob: blob }, unset: "qa", blob };
}
