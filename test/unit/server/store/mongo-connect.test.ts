import { describe, expect, it } from "vitest";
import { databaseInUrl, urlOptionNames } from "../../../../server/store/mongo-connect.js";

describe("databaseInUrl()", () => {
  it.each([
    ["mongodb://h:27017/", undefined],
    ["mongodb://h:27017", undefined],
    ["mongodb://h/devtrace", "devtrace"],
    ["mongodb://u:p@h1,h2/traces?replicaSet=rs0", "traces"],
    ["mongodb+srv://cluster.example/prod%2Dtraces?w=1", "prod-traces"],
  ])("reads %s as %s", (url, db) => {
    expect(databaseInUrl(url)).toBe(db);
  });
});

describe("urlOptionNames()", () => {
  it("lists the query options, lower-cased", () => {
    expect(urlOptionNames("mongodb://h/db?w=1&maxPoolSize=50")).toEqual(new Set(["w", "maxpoolsize"]));
    expect(urlOptionNames("mongodb://h/db")).toEqual(new Set());
  });
});
