import { MongoBulkWriteError, MongoNetworkError } from "mongodb";
import type { BulkWriteResult } from "mongodb";
import { describe, expect, it } from "vitest";
import { duplicatesOnly } from "../../../../server/store/mongo-append.js";

/** A bulk error as the driver builds it: per-write errors and how many documents went in. */
function bulkError(inserted: number, writeErrorCodes: number[], extra: Record<string, unknown> = {}): MongoBulkWriteError {
  const writeErrors = writeErrorCodes.map((code, index) => ({ code, index, errmsg: `E${code}` }));
  return new MongoBulkWriteError({ message: "bulk write failed", code: writeErrorCodes[0], writeErrors, ...extra }, { insertedCount: inserted } as unknown as BulkWriteResult);
}

describe("duplicatesOnly(): when a failed insertMany may still be acked", () => {
  it("counts a batch whose every document is inserted or a duplicate key", () => {
    expect(duplicatesOnly(bulkError(7, [11000, 11000, 11000]), 10)).toBe(7);
    expect(duplicatesOnly(bulkError(0, Array(5).fill(11000)), 5)).toBe(0);
  });

  it.each([
    ["a bulk error with no per-write errors (the connection dropped mid-insert)", bulkError(0, []), 500],
    ["duplicates that do not account for every document (part of the batch was never written)", bulkError(300, [11000]), 500],
    ["a per-write error other than a duplicate key", bulkError(9, [11000, 121]), 11],
    ["a write concern that was not met", bulkError(5, [11000], { writeConcernError: { code: 64, errmsg: "waiting for replication timed out" } }), 6],
    ["a network error", new MongoNetworkError("connection reset"), 10],
    ["anything else", new Error("boom"), 10],
  ])("refuses %s as unavailable: no ack", (_name, error, attempted) => {
    expect(() => duplicatesOnly(error, attempted)).toThrow(expect.objectContaining({ name: "StoreError", code: "unavailable" }));
  });
});
