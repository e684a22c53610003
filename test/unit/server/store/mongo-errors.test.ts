import { describe, expect, it } from "vitest";
import { MongoNetworkError, MongoServerError } from "mongodb";
import { fromMongoError, isDuplicateKey, maskMongoUrl } from "../../../../server/store/mongo-errors.js";
import { StoreError } from "../../../../server/store/store-error.js";

describe("maskMongoUrl()", () => {
  it.each([
    ["mongodb://user:s3cret@db:27017/devtrace", "mongodb://user:****@db:27017/devtrace"],
    ["mongodb+srv://u:p%40ss@cluster.example/", "mongodb+srv://u:****@cluster.example/"],
    ["mongodb://user@db/", "mongodb://user@db/"],
    ["mongodb://a:1,b:2/?replicaSet=rs0", "mongodb://a:1,b:2/?replicaSet=rs0"],
  ])("masks %s", (url, masked) => {
    expect(maskMongoUrl(url)).toBe(masked);
  });
});

describe("fromMongoError()", () => {
  it("turns a lost connection into StoreError unavailable with the cause", () => {
    const cause = new MongoNetworkError("connection reset");
    const mapped = fromMongoError(cause, "appendEvents");
    expect(mapped).toBeInstanceOf(StoreError);
    expect(mapped).toMatchObject({ code: "unavailable", cause });
  });

  it("passes other errors through unchanged", () => {
    const error = new MongoServerError({ message: "bad", code: 2 });
    expect(fromMongoError(error, "x")).toBe(error);
    const plain = new Error("bug");
    expect(fromMongoError(plain, "x")).toBe(plain);
  });
});

describe("isDuplicateKey()", () => {
  it("recognises E11000 only", () => {
    expect(isDuplicateKey(new MongoServerError({ message: "E11000 duplicate key", code: 11000 }))).toBe(true);
    expect(isDuplicateKey(new MongoServerError({ message: "other", code: 2 }))).toBe(false);
    expect(isDuplicateKey(new Error("E11000"))).toBe(false);
  });
});

describe("fromMongoError() on raw socket errors", () => {
  it("treats a write to a socket the server closed as unavailable", () => {
    const epipe = Object.assign(new Error("This socket has been ended by the other party"), { code: "EPIPE" });
    expect(fromMongoError(epipe, "appendEvents")).toMatchObject({ code: "unavailable", cause: epipe });
  });
});
