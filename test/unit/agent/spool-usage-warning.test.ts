import { describe, expect, it } from "vitest";
import { SpoolUsageWarning } from "../../../agent/spool-usage-warning.js";

const mib = 1024 * 1024;
const at = (share: number) => ({ bytes: Math.round(share * 100 * mib), limitBytes: 100 * mib });

describe("SpoolUsageWarning", () => {
  it("warns once at 80 %, 90 % and 95 % of the bound while the spool grows", () => {
    const w = new SpoolUsageWarning();
    const said = [0.5, 0.79, 0.8, 0.85, 0.9, 0.93, 0.96, 0.99].map((s) => w.check(at(s)));
    expect(said.map((m) => (m ? m.match(/\((\d+) %\)/)![1] : undefined))).toEqual([undefined, undefined, "80", undefined, "90", undefined, "96", undefined]);
    expect(said[2]).toMatch(/80\.0 MiB of its 100\.0 MiB bound/);
  });

  it("warns again after the uplink drained the spool below 70 %", () => {
    const w = new SpoolUsageWarning();
    expect(w.check(at(0.82))).toBeDefined();
    expect(w.check(at(0.75))).toBeUndefined();
    expect(w.check(at(0.81))).toBeUndefined();
    expect(w.check(at(0.2))).toBeUndefined();
    expect(w.check(at(0.81))).toBeDefined();
  });
});
