import { Code, ConnectError } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { toConnectError } from "../../../../server/rpc/to-connect-error.js";
import { StoreError } from "../../../../server/store/store-error.js";
import type { StoreErrorCode } from "../../../../server/store/store-error.js";

describe("toConnectError()", () => {
  const table: Array<[StoreErrorCode, Code]> = [
    ["not_found", Code.NotFound],
    ["sealed", Code.FailedPrecondition],
    ["invalid_cursor", Code.InvalidArgument],
    ["conflict", Code.Aborted],
    ["unavailable", Code.Unavailable],
  ];
  for (const [storeCode, code] of table) {
    it(`maps StoreError "${storeCode}" to ${Code[code]}`, () => {
      expect(toConnectError(new StoreError(storeCode, "x")).code).toBe(code);
    });
  }
  it("passes ConnectErrors through untouched", () => {
    const e = new ConnectError("nope", Code.PermissionDenied);
    expect(toConnectError(e)).toBe(e);
  });
  it("hides unexpected errors behind INTERNAL, keeping the cause for the log", () => {
    const cause = new Error("SQLITE_CORRUPT at /var/lib/x");
    const e = toConnectError(cause);
    expect(e.code).toBe(Code.Internal);
    expect(e.rawMessage).toBe("internal error");
    expect(e.cause).toBe(cause);
  });
  it("names page_token for a bad cursor", () => {
    expect(toConnectError(new StoreError("invalid_cursor", "cannot decode")).rawMessage).toBe("page_token: cannot decode");
  });
});
