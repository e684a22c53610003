import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { IntakeLedger } from "../../../../agent/intake/intake-ledger.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const ledgerPath = () => {
  const d = mkdtempSync(join(tmpdir(), "devtrace-ledger-"));
  dirs.push(d);
  return join(d, "intake-ledger.json");
};

describe("IntakeLedger", () => {
  it("remembers spooled records per session across a restart", () => {
    const path = ledgerPath();
    const a = IntakeLedger.open(path);
    a.record("s1", 1);
    a.record("s1", 2);
    a.record("s2", 1);
    const b = IntakeLedger.open(path);
    expect(b.seen("s1", 2)).toBe(true);
    expect(b.seen("s1", 3)).toBe(false);
    expect(b.seen("s2", 1)).toBe(true);
    expect(b.seen("s3", 1)).toBe(false);
  });

  it("forgets every session after clear()", () => {
    const path = ledgerPath();
    const a = IntakeLedger.open(path);
    a.record("s1", 5);
    a.clear();
    expect(IntakeLedger.open(path).seen("s1", 1)).toBe(false);
  });
});
