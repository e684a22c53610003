import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { QaResultSchema } from "../../gen/devtrace/v1/qa_pb.js";
import { RedactionSummarySchema } from "../../gen/devtrace/v1/redaction_pb.js";
import type { QaResult } from "../../gen/devtrace/v1/qa_pb.js";
import { DeveloperSchema, EnvironmentSchema, TaskSchema, TraceSchema } from "../../gen/devtrace/v1/trace_pb.js";
import type { Trace, TraceStatus } from "../../gen/devtrace/v1/trace_pb.js";
import type { NewTrace, StoredTrace } from "./store.js";

/** A row of the `traces` table as better-sqlite3 returns it. */
export interface TraceRow {
  id: string;
  developer_id: string;
  repo_url: string;
  status: TraceStatus;
  status_detail: string;
  created_at: number;
  updated_at: number;
  sealed_at: number | null;
  acked_seq: number;
  score: number | null;
  request_id: string | null;
  upload_token_hash: string;
  developer: Buffer;
  task: Buffer;
  environment: Buffer;
  qa: Buffer | null;
  final_patch: string;
  redaction: Buffer | null;
}

/** The columns a SELECT must list for rowToTrace. */
export const traceColumns =
  "id, developer_id, repo_url, status, status_detail, created_at, updated_at, sealed_at, acked_seq, " +
  "score, request_id, upload_token_hash, developer, task, environment, qa, final_patch, redaction";

/** Rebuilds the Trace message from its row. */
export function rowToTrace(row: TraceRow): Trace {
  return create(TraceSchema, {
    id: row.id,
    developer: fromBinary(DeveloperSchema, row.developer),
    task: fromBinary(TaskSchema, row.task),
    environment: fromBinary(EnvironmentSchema, row.environment),
    status: row.status,
    statusDetail: row.status_detail,
    createdAt: timestampFromMs(row.created_at),
    updatedAt: timestampFromMs(row.updated_at),
    sealedAt: row.sealed_at === null ? undefined : timestampFromMs(row.sealed_at),
    eventCount: BigInt(row.acked_seq),
    ackedSeq: BigInt(row.acked_seq),
    finalPatch: row.final_patch,
    qa: row.qa === null ? undefined : fromBinary(QaResultSchema, row.qa),
    redaction: row.redaction === null ? undefined : fromBinary(RedactionSummarySchema, row.redaction),
  });
}

/** The trace with the hash the RPC layer checks upload tokens against. */
export function rowToStored(row: TraceRow): StoredTrace {
  return { trace: rowToTrace(row), uploadTokenHash: row.upload_token_hash };
}

/** Named parameters for inserting a new trace. */
export function newTraceParams(input: NewTrace, status: TraceStatus): Record<string, unknown> {
  const ms = input.createdAt.getTime();
  return {
    id: input.id,
    developer_id: input.developer.id,
    repo_url: input.task.repoUrl,
    status,
    created_at: ms,
    updated_at: ms,
    request_id: input.requestId || null,
    upload_token_hash: input.uploadTokenHash,
    developer: toBinary(DeveloperSchema, input.developer),
    task: toBinary(TaskSchema, input.task),
    environment: toBinary(EnvironmentSchema, input.environment),
    redaction: input.redaction ? toBinary(RedactionSummarySchema, input.redaction) : null,
  };
}

/** Encodes a QA result for the `qa` column. */
export function qaBytes(qa: QaResult): Uint8Array {
  return toBinary(QaResultSchema, qa);
}
