import { describe, expect, it } from "vitest";
import { BatchWindow } from "../../../../agent/uplink/batch-window.js";

describe("BatchWindow", () => {
  it("is full once `size` batches await an ack and frees a slot per acked batch", () => {
    const w = new BatchWindow(2);
    w.sent(1n, 10n);
    expect(w.full()).toBe(false);
    w.sent(11n, 20n);
    expect(w.full()).toBe(true);
    expect(w.nextSeq).toBe(21n);
    w.acked(10n);
    expect(w.full()).toBe(false);
    expect(w.pending).toBe(1);
    w.acked(20n);
    expect(w.pending).toBe(0);
  });

  it("does not free a batch that is only partly acknowledged", () => {
    const w = new BatchWindow(1);
    w.sent(1n, 10n);
    w.acked(5n);
    expect(w.full()).toBe(true);
  });

  it("rewinds once on a gap and ignores the gaps of batches sent before the rewind", () => {
    const w = new BatchWindow(4);
    w.sent(5n, 6n);
    w.sent(7n, 8n);
    w.sent(9n, 10n);
    expect(w.gap(3n, 5n)).toBe(true);
    expect(w.nextSeq).toBe(3n);
    expect(w.pending).toBe(0);
    // The server answers the two later batches with the same gap: stale, no second rewind.
    expect(w.gap(3n, 7n)).toBe(false);
    expect(w.gap(3n, 9n)).toBe(false);
    expect(w.nextSeq).toBe(3n);
  });

  it("refuses a window smaller than one batch", () => {
    expect(() => new BatchWindow(0)).toThrow(/window size/);
  });
});
