import { randomUUID } from "node:crypto";
import { afterAll, beforeAll } from "vitest";
import { MongoClient } from "mongodb";
import pino from "pino";
import { MongoStore } from "../../server/store/mongo-store.js";
import { startFerretDb } from "../helpers/ferretdb.js";
import type { FerretDb } from "../helpers/ferretdb.js";
import { describeWith } from "../helpers/infra.js";
import { traceStoreContract } from "./trace-store.contract.js";

describeWith(["ferretdb"], "MongoDB store on FerretDB", () => {
  let ferret: FerretDb | undefined;
  beforeAll(async () => {
    ferret = await startFerretDb();
  });
  afterAll(async () => {
    await ferret?.dispose();
  });

  // A fresh database per test on one FerretDB: the contract's isolation without a restart.
  traceStoreContract("mongo", async () => {
    const database = `contract_${randomUUID().replaceAll("-", "")}`;
    return {
      open: async () => MongoStore.open({ url: ferret!.url, database, logger: pino({ level: "silent" }), startupDeadlineMs: 10_000 }),
      dispose: async () => {
        const client = new MongoClient(ferret!.url);
        try {
          await client.db(database).dropDatabase();
        } finally {
          await client.close();
        }
      },
    };
  });
});
