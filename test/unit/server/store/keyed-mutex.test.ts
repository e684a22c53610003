import { describe, expect, it } from "vitest";
import { KeyedMutex } from "../../../../server/store/keyed-mutex.js";

const tick = () => new Promise((r) => setImmediate(r));

describe("KeyedMutex.run()", () => {
  it("runs sections of one key one at a time, in order", async () => {
    const mutex = new KeyedMutex();
    const log: string[] = [];
    const section = (name: string) => async () => {
      log.push(`${name} in`);
      await tick();
      await tick();
      log.push(`${name} out`);
      return name;
    };
    const results = await Promise.all([mutex.run("k", section("a")), mutex.run("k", section("b")), mutex.run("k", section("c"))]);
    expect(results).toEqual(["a", "b", "c"]);
    expect(log).toEqual(["a in", "a out", "b in", "b out", "c in", "c out"]);
  });

  it("lets different keys overlap", async () => {
    const mutex = new KeyedMutex();
    const log: string[] = [];
    const section = (name: string) => async () => {
      log.push(`${name} in`);
      await tick();
      log.push(`${name} out`);
    };
    await Promise.all([mutex.run("x", section("x")), mutex.run("y", section("y"))]);
    expect(log.slice(0, 2)).toEqual(["x in", "y in"]);
  });

  it("keeps going after a section throws, and passes the error to its caller", async () => {
    const mutex = new KeyedMutex();
    const failing = mutex.run("k", async () => {
      throw new Error("boom");
    });
    const next = mutex.run("k", async () => "after");
    await expect(failing).rejects.toThrow("boom");
    await expect(next).resolves.toBe("after");
  });
});
