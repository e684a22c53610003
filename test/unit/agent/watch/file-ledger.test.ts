import { describe, expect, it } from "vitest";
import { FileLedger } from "../../../../agent/watch/file-ledger.js";
import type { LedgerChange } from "../../../../agent/watch/file-ledger.js";
import { classifyBytes } from "../../../../agent/watch/read-file-state.js";
import type { FileState } from "../../../../agent/watch/read-file-state.js";

const text = (s: string): FileState => classifyBytes(Buffer.from(s), false);
const binary = (): FileState => classifyBytes(Buffer.from([1, 0, 2]), false);
const absent: FileState = { kind: "absent" };
const large: FileState = { kind: "large", size: 5_000_000 };

function summary(changes: LedgerChange[]): string[] {
  return changes.map((c) => (c.type === "renamed" ? `renamed ${c.from} -> ${c.to}` : `${c.type} ${c.path}`));
}

function ledgerWith(files: Record<string, FileState>): FileLedger {
  const ledger = new FileLedger(300);
  for (const [p, s] of Object.entries(files)) ledger.seed(p, s);
  return ledger;
}

describe("FileLedger.apply()", () => {
  it("reports an edit only when the content hash changed", () => {
    const ledger = ledgerWith({ "a.ts": text("one\n"), "b.ts": text("same\n") });

    const changes = ledger.apply(new Map([["a.ts", text("two\n")], ["b.ts", text("same\n")]]), 0);

    expect(summary(changes)).toEqual(["edit a.ts"]);
    const edit = changes[0] as Extract<LedgerChange, { type: "edit" }>;
    expect([edit.before.content, edit.after.content]).toEqual(["one\n", "two\n"]);
  });

  it("reads a delete and a create of the same content in one batch as a rename", () => {
    const ledger = ledgerWith({ "src/old.ts": text("body\n") });

    const changes = ledger.apply(new Map([["src/old.ts", absent], ["lib/new.ts", text("body\n")]]), 0);

    expect(summary(changes)).toEqual(["renamed src/old.ts -> lib/new.ts"]);
    expect(ledger.expire(Infinity)).toEqual([]);
  });

  it("pairs a create with a deletion still pending from an earlier batch", () => {
    const ledger = ledgerWith({ "a.txt": text("x\n") });

    expect(ledger.apply(new Map([["a.txt", absent]]), 1000)).toEqual([]);
    expect(ledger.nextDeadline()).toBe(1300);
    const later = ledger.apply(new Map([["b.txt", text("x\n")]]), 1200);

    expect(summary(later)).toEqual(["renamed a.txt -> b.txt"]);
    expect(ledger.nextDeadline()).toBeUndefined();
  });

  it("emits a held deletion once its rename window has passed, not before", () => {
    const ledger = ledgerWith({ "gone.txt": text("bye\n") });
    ledger.apply(new Map([["gone.txt", absent]]), 1000);

    expect(ledger.expire(1299)).toEqual([]);
    expect(summary(ledger.expire(1300))).toEqual(["deleted gone.txt"]);
    expect(ledger.expire(Infinity)).toEqual([]);
  });

  it("turns a delete then re-create of a path (editor save by rename) into one edit", () => {
    const ledger = ledgerWith({ "main.c": text("v1\n") });
    ledger.apply(new Map([["main.c", absent]]), 0);

    const changes = ledger.apply(new Map([["main.c", text("v2\n")]]), 100);

    expect(summary(changes)).toEqual(["edit main.c"]);
    expect(ledger.expire(Infinity)).toEqual([]);
  });

  it("prefers the deleted file with the same name when several have the same content", () => {
    const ledger = ledgerWith({ "a/index.ts": text("\n"), "a/util.ts": text("\n") });

    const changes = ledger.apply(
      new Map([["a/index.ts", absent], ["a/util.ts", absent], ["b/util.ts", text("\n")]]),
      0,
    );

    expect(summary(changes)).toEqual(["renamed a/util.ts -> b/util.ts"]);
    expect(summary(ledger.expire(Infinity))).toEqual(["deleted a/index.ts"]);
  });

  it("keeps binary and oversize files out of the stream and counts each path once", () => {
    const ledger = ledgerWith({ "logo.png": binary() });

    const changes = ledger.apply(new Map([["logo.png", binary()], ["dump.sql", large], ["new.png", binary()]]), 0);
    ledger.apply(new Map([["dump.sql", large]]), 10);

    expect(changes).toEqual([]);
    expect([ledger.binaryPaths.size, ledger.largePaths.size]).toEqual([2, 1]);
    expect(ledger.apply(new Map([["logo.png", absent]]), 20)).toEqual([]);
    expect(ledger.expire(Infinity)).toEqual([]);
  });

  it("lets a file leave the stream when it turns binary and join it when it turns text", () => {
    const ledger = ledgerWith({ "data.txt": text("plain\n") });

    expect(summary(ledger.apply(new Map([["data.txt", binary()]]), 0))).toEqual(["deleted data.txt"]);
    expect(summary(ledger.apply(new Map([["data.txt", text("plain again\n")]]), 10))).toEqual(["created data.txt"]);
  });

  it("says nothing about a path that appeared and vanished between two looks", () => {
    const ledger = ledgerWith({});

    expect(ledger.apply(new Map([["4913", absent], ["tmp.swp", absent]]), 0)).toEqual([]);
    expect(ledger.expire(Infinity)).toEqual([]);
  });
});
