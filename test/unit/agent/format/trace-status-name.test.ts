import { describe, expect, it } from "vitest";
import { TraceStatus } from "../../../../gen/devtrace/v1/trace_pb.js";
import { parseTraceStatus, traceStatusName } from "../../../../agent/format/trace-status-name.js";

describe("parseTraceStatus()", () => {
  it.each([
    ["done", TraceStatus.DONE],
    ["DONE", TraceStatus.DONE],
    ["running-tests", TraceStatus.RUNNING_TESTS],
    ["running_tests", TraceStatus.RUNNING_TESTS],
    ["TRACE_STATUS_QUEUED", TraceStatus.QUEUED],
    ["open", TraceStatus.OPEN],
  ])("%s → %s", (text, status) => {
    expect(parseTraceStatus(text)).toBe(status);
  });

  it.each(["finished", "", "unspecified"])("refuses %j", (text) => {
    expect(parseTraceStatus(text)).toBeUndefined();
  });

  it("round-trips every status through its name", () => {
    for (const s of [TraceStatus.OPEN, TraceStatus.QUEUED, TraceStatus.RUNNING_TESTS, TraceStatus.JUDGING, TraceStatus.DONE, TraceStatus.FAILED])
      expect(parseTraceStatus(traceStatusName(s))).toBe(s);
  });
});
