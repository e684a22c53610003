import { randomBytes } from "node:crypto";
import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { TraceStatus } from "../../../../gen/devtrace/v1/trace_pb.js";
import { TraceFilterSchema } from "../../../../gen/devtrace/v1/trace_service_pb.js";
import { decodeCursor, encodeCursor } from "../../../../server/store/page-cursor.js";

const filter = create(TraceFilterSchema, { developerId: "alice", statuses: [TraceStatus.DONE] });
const sign = (payload: unknown[]) => encodeCursor({ createdAtMs: 1, id: "x" }, undefined).replace(/^[^.]+/, Buffer.from(JSON.stringify(payload)).toString("base64url"));

describe("encodeCursor() / decodeCursor()", () => {
  it("round-trips a position for the same filter, ids with any characters included", () => {
    for (const position of [{ createdAtMs: 0, id: "a" }, { createdAtMs: 1_735_732_800_123, id: "id:with/odd?chars ✓" }]) {
      expect(decodeCursor(encodeCursor(position, filter), create(TraceFilterSchema, { developerId: "alice", statuses: [TraceStatus.DONE] }))).toEqual(position);
      expect(decodeCursor(encodeCursor(position, undefined), create(TraceFilterSchema))).toEqual(position);
    }
  });

  it("is opaque url-safe text", () => {
    expect(encodeCursor({ createdAtMs: 5, id: "x/y+z" }, filter)).toMatch(/^[A-Za-z0-9_.-]+$/);
  });

  it("refuses a token reused with another filter, naming the filter", () => {
    const token = encodeCursor({ createdAtMs: 5, id: "t" }, filter);
    expect(() => decodeCursor(token, create(TraceFilterSchema, { developerId: "bob" }))).toThrow(
      expect.objectContaining({ code: "invalid_cursor", message: expect.stringContaining("another filter") }),
    );
  });

  it("refuses a token signed with another key (another server process)", () => {
    const token = encodeCursor({ createdAtMs: 5, id: "t" }, filter, randomBytes(32));
    expect(() => decodeCursor(token, filter)).toThrow(expect.objectContaining({ code: "invalid_cursor", message: expect.stringContaining("not one this server issued") }));
  });

  it("refuses every single-character alteration of a valid token", () => {
    const token = encodeCursor({ createdAtMs: 1_735_732_800_123, id: "trace-1" }, filter);
    for (let i = 0; i < token.length; i++) {
      const altered = token.slice(0, i) + (token[i] === "A" ? "B" : "A") + token.slice(i + 1);
      expect(() => decodeCursor(altered, filter), `altered at ${i}`).toThrow(expect.objectContaining({ code: "invalid_cursor" }));
    }
  });

  it.each([
    ["empty", ""],
    ["not base64url", "a b"],
    ["unsigned (the old format)", Buffer.from(JSON.stringify(["c1", 1, "x"])).toString("base64url")],
    ["a forged position with a made-up signature", `${Buffer.from(JSON.stringify(["c2", 1, "x", "AAAAAAAAAAAAAAAA"])).toString("base64url")}.AAAAAAAAAAAAAAAAAAAAAA`],
    ["a payload swapped under a valid signature", sign(["c2", 9_999_999_999_999, "zzz", "AAAAAAAAAAAAAAAA"])],
    ["oversized", `${"A".repeat(4096)}.AAAAAAAAAAAAAAAAAAAAAA`],
  ])("rejects %s with invalid_cursor", (_name, cursor) => {
    expect(() => decodeCursor(cursor, undefined)).toThrow(expect.objectContaining({ code: "invalid_cursor" }));
  });
});
