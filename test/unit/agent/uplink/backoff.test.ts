import { describe, expect, it } from "vitest";
import { createBackoff } from "../../../../agent/uplink/backoff.js";

describe("createBackoff()", () => {
  it("doubles the delay ceiling up to the cap, each delay within [ceiling/2, ceiling]", () => {
    const low = createBackoff({ initialMs: 100, maxMs: 1000, random: () => 0 });
    const high = createBackoff({ initialMs: 100, maxMs: 1000, random: () => 0.999999 });
    const lows = Array.from({ length: 6 }, () => low.next());
    const highs = Array.from({ length: 6 }, () => high.next());
    expect(lows).toEqual([50, 100, 200, 400, 500, 500]);
    expect(highs).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it("spreads delays with jitter", () => {
    const values = new Set<number>();
    for (let i = 0; i < 20; i++) {
      const b = createBackoff({ initialMs: 1000 });
      b.next();
      values.add(b.next());
    }
    expect(values.size).toBeGreaterThan(1);
  });

  it("starts over after reset()", () => {
    const b = createBackoff({ initialMs: 100, random: () => 0 });
    b.next();
    b.next();
    expect(b.attempts).toBe(2);
    b.reset();
    expect(b.attempts).toBe(0);
    expect(b.next()).toBe(50);
  });
});
