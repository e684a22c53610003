import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { QuietBatcher } from "../../../../agent/watch/quiet-batcher.js";

function recorder(options: { quietMs?: number; maxWaitMs?: number; fail?: boolean } = {}) {
  const batches: string[][] = [];
  const errors: unknown[] = [];
  const batcher = new QuietBatcher({
    quietMs: options.quietMs ?? 100,
    maxWaitMs: options.maxWaitMs ?? 1000,
    run: async (items) => {
      batches.push([...items].sort());
      if (options.fail) throw new Error("run failed");
    },
    onError: (err) => errors.push(err),
  });
  return { batcher, batches, errors };
}

describe("QuietBatcher", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("runs one batch once additions pause for quietMs", async () => {
    const { batcher, batches } = recorder();

    for (let i = 0; i < 20; i++) {
      batcher.add(i % 2 ? "a.ts" : "b.ts");
      await vi.advanceTimersByTimeAsync(10);
    }
    expect(batches).toEqual([]);
    await vi.advanceTimersByTimeAsync(100);

    expect(batches).toEqual([["a.ts", "b.ts"]]);
    expect(batcher.pending).toBe(0);
  });

  it("runs at maxWaitMs under constant activity, then re-checks the keys after a pause", async () => {
    const { batcher, batches } = recorder({ quietMs: 100, maxWaitMs: 300 });

    for (let t = 0; t < 500; t += 20) {
      batcher.add("log.txt");
      await vi.advanceTimersByTimeAsync(20);
    }
    expect(batches).toEqual([["log.txt"]]);
    await vi.advanceTimersByTimeAsync(500);

    expect(batches).toEqual([["log.txt"], ["log.txt"]]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(batches).toHaveLength(2);
  });

  it("flush() runs waiting keys at once", async () => {
    const { batcher, batches } = recorder();
    batcher.add("x");

    await batcher.flush();

    expect(batches).toEqual([["x"]]);
  });

  it("hands a failing batch's error to onError and keeps batching", async () => {
    const { batcher, batches, errors } = recorder({ fail: true });
    batcher.add("x");
    await vi.advanceTimersByTimeAsync(100);
    batcher.add("y");
    await vi.advanceTimersByTimeAsync(100);

    expect(batches).toEqual([["x"], ["y"]]);
    expect(errors).toHaveLength(2);
  });

  it("drops keys added after dispose", async () => {
    const { batcher, batches } = recorder();
    batcher.add("x");
    batcher[Symbol.dispose]();
    batcher.add("y");
    await vi.advanceTimersByTimeAsync(1000);

    expect(batches).toEqual([]);
  });
});
