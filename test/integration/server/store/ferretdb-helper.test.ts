import { expect, it } from "vitest";
import { MongoClient } from "mongodb";
import { startFerretDb } from "../../../helpers/ferretdb.js";
import { describeWith } from "../../../helpers/infra.js";

describeWith(["ferretdb"], "startFerretDb()", () => {
  it("serves a database that keeps its data across stop and start", async () => {
    await using ferret = await startFerretDb();
    const client = new MongoClient(ferret.url, { serverSelectionTimeoutMS: 2000 });
    try {
      await client.db("t").collection("c").insertOne({ _id: "kept" as never, n: 1 });
      await ferret.stop();
      await expect(client.db("t").collection("c").findOne({})).rejects.toThrow();
      await ferret.start();
      expect(await client.db("t").collection("c").findOne({})).toEqual({ _id: "kept", n: 1 });
    } finally {
      await client.close();
    }
  });
});
