import { describe, expect, it } from "vitest";
import { create } from "@bufbuild/protobuf";
import { TraceStatus } from "../../../../gen/devtrace/v1/trace_pb.js";
import { TraceFilterSchema } from "../../../../gen/devtrace/v1/trace_service_pb.js";
import { toListFilter } from "../../../../server/store/list-filter.js";

describe("toListFilter()", () => {
  it("treats an absent filter and empty fields as no filter", () => {
    expect(toListFilter(undefined)).toEqual({ statuses: [] });
    expect(toListFilter(create(TraceFilterSchema, {}))).toEqual({ statuses: [] });
  });

  it("keeps each status once", () => {
    const f = create(TraceFilterSchema, { statuses: [TraceStatus.DONE, TraceStatus.DONE, TraceStatus.FAILED] });
    expect(toListFilter(f).statuses).toEqual([TraceStatus.DONE, TraceStatus.FAILED]);
  });

  it.each([
    [{ seconds: 10n, nanos: 0 }, 10_000],
    [{ seconds: 10n, nanos: 1 }, 10_001],
    [{ seconds: 10n, nanos: 999_999 }, 10_001],
    [{ seconds: 10n, nanos: 1_000_000 }, 10_001],
    [{ seconds: 10n, nanos: 1_000_001 }, 10_002],
  ])("rounds a time bound %o up to %d ms so whole-ms creation times compare exactly", (ts, ms) => {
    const f = toListFilter(create(TraceFilterSchema, { createdAfter: ts, createdBefore: ts }));
    expect([f.createdFromMs, f.createdBeforeMs]).toEqual([ms, ms]);
  });

  it("keeps a score bound of zero", () => {
    expect(toListFilter(create(TraceFilterSchema, { minScore: 0, maxScore: 0 }))).toMatchObject({ minScore: 0, maxScore: 0 });
  });
});
