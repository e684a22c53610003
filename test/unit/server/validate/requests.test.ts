import { Code, ConnectError } from "@connectrpc/connect";
import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { TraceStatus } from "../../../../gen/devtrace/v1/trace_pb.js";
import {
  CreateTraceRequestSchema,
  ListTracesRequestSchema,
  StreamEventsRequestSchema,
} from "../../../../gen/devtrace/v1/trace_service_pb.js";
import type { CreateTraceRequest } from "../../../../gen/devtrace/v1/trace_service_pb.js";
import { validateCreateTraceRequest } from "../../../../server/validate/create-trace-request.js";
import { validateListTracesRequest } from "../../../../server/validate/list-traces-request.js";
import { validateStreamOpen } from "../../../../server/validate/stream-events-request.js";
import { newTraceRequest } from "../../../helpers/trace-events.js";

function problem(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (e) {
    expect((e as ConnectError).code).toBe(Code.InvalidArgument);
    return (e as ConnectError).rawMessage;
  }
}

function withTask(task: Partial<NonNullable<CreateTraceRequest["task"]>>): CreateTraceRequest {
  const base = newTraceRequest("alice");
  return create(CreateTraceRequestSchema, { ...base, task: { ...base.task!, ...task, $typeName: undefined } as never });
}

describe("validateCreateTraceRequest()", () => {
  const table: Array<[string, CreateTraceRequest, string | undefined]> = [
    ["a complete request", newTraceRequest("alice"), undefined],
    ["no developer id", newTraceRequest(""), "developer.id: required"],
    ["a 129-byte developer id", newTraceRequest("d".repeat(129)), "developer.id"],
    ["no repo_url", withTask({ repoUrl: "" }), "task.repo_url: required"],
    ["a 2 KiB + 1 repo_url", withTask({ repoUrl: "r".repeat(2049) }), "task.repo_url"],
    ["no base_commit", withTask({ baseCommit: "" }), "task.base_commit: required"],
    ["a 6-digit base_commit", withTask({ baseCommit: "abcdef" }), "task.base_commit"],
    ["a branch name as base_commit", withTask({ baseCommit: "main" }), "task.base_commit"],
    ["a full 40-digit base_commit", withTask({ baseCommit: "a".repeat(40) }), undefined],
    ["a 4 KiB + 1 test_command", withTask({ testCommand: "t".repeat(4097) }), "task.test_command"],
    ["a 257-byte test_image", withTask({ testImage: "i".repeat(257) }), "task.test_image"],
    ["a 129-byte request_id", create(CreateTraceRequestSchema, { ...newTraceRequest("a"), requestId: "q".repeat(129) }), "request_id"],
    ["a 257-byte editor", create(CreateTraceRequestSchema, { developer: { id: "a" }, task: newTraceRequest().task, environment: { editor: "e".repeat(257) } }), "environment.editor"],
  ];
  for (const [name, req, message] of table) {
    it(`${message ? "refuses" : "accepts"} ${name}`, () => {
      const got = problem(() => validateCreateTraceRequest(req));
      if (message === undefined) expect(got).toBeUndefined();
      else expect(got).toContain(message);
    });
  }
});

describe("validateListTracesRequest()", () => {
  it("defaults page_size to 50 and keeps a valid one", () => {
    expect(validateListTracesRequest(create(ListTracesRequestSchema, {}))).toBe(50);
    expect(validateListTracesRequest(create(ListTracesRequestSchema, { pageSize: 500 }))).toBe(500);
  });
  const table: Array<[string, Parameters<typeof create<typeof ListTracesRequestSchema>>[1], string]> = [
    ["page_size 501", { pageSize: 501 }, "page_size: 501 is over the limit of 500"],
    ["an unknown status", { filter: { statuses: [TraceStatus.DONE, 42 as TraceStatus] } }, "filter.statuses[1]: 42 is not a TraceStatus"],
    ["a negative score", { filter: { minScore: -0.1 } }, "filter.min_score: must be in [0, 1]"],
    ["NaN as score", { filter: { maxScore: Number.NaN } }, "filter.max_score"],
    ["min above max", { filter: { minScore: 0.8, maxScore: 0.2 } }, "filter.min_score: must not exceed max_score"],
    ["an upside-down time range", { filter: { createdAfter: { seconds: 10n }, createdBefore: { seconds: 5n } } }, "filter.created_after"],
  ];
  for (const [name, init, message] of table) {
    it(`refuses ${name}`, () => {
      expect(problem(() => validateListTracesRequest(create(ListTracesRequestSchema, init)))).toContain(message);
    });
  }
});

describe("validateStreamOpen()", () => {
  it("requires the first message to be open with trace id and upload token", () => {
    expect(problem(() => validateStreamOpen(undefined))).toContain("open: the stream ended");
    expect(problem(() => validateStreamOpen(create(StreamEventsRequestSchema, { msg: { case: "batch", value: {} } })))).toContain(
      "first message of a stream must be open",
    );
    const open = (traceId: string, uploadToken: string) =>
      create(StreamEventsRequestSchema, { msg: { case: "open", value: { traceId, uploadToken } } });
    expect(problem(() => validateStreamOpen(open("", "u")))).toBe("open.trace_id: required");
    expect(problem(() => validateStreamOpen(open("t", "")))).toBe("open.upload_token: required");
    expect(validateStreamOpen(open("t", "u")).traceId).toBe("t");
  });
});
