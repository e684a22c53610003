import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor } from "../../../../server/store/page-cursor.js";

describe("encodeCursor() / decodeCursor()", () => {
  it("round-trips a position, ids with any characters included", () => {
    for (const position of [{ createdAtMs: 0, id: "a" }, { createdAtMs: 1_735_732_800_123, id: "id:with/odd?chars ✓" }]) {
      expect(decodeCursor(encodeCursor(position))).toEqual(position);
    }
  });

  it("is opaque url-safe text", () => {
    expect(encodeCursor({ createdAtMs: 5, id: "x/y+z" })).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it.each([
    ["empty", ""],
    ["not base64url", "a b"],
    ["not JSON", Buffer.from("nope").toString("base64url")],
    ["another shape", Buffer.from(JSON.stringify({ createdAtMs: 1, id: "x" })).toString("base64url")],
    ["another version", Buffer.from(JSON.stringify(["c0", 1, "x"])).toString("base64url")],
    ["fractional time", Buffer.from(JSON.stringify(["c1", 1.5, "x"])).toString("base64url")],
    ["empty id", Buffer.from(JSON.stringify(["c1", 1, ""])).toString("base64url")],
    ["oversized", "A".repeat(4096)],
  ])("rejects %s with invalid_cursor", (_name, cursor) => {
    expect(() => decodeCursor(cursor)).toThrow(expect.objectContaining({ code: "invalid_cursor" }));
  });
});
