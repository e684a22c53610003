import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { EventSchema, type Event } from "../../../../gen/devtrace/v1/event_pb.js";
import { EventIntake } from "../../../../agent/intake/event-intake.js";
import { IntakeLedger } from "../../../../agent/intake/intake-ledger.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function intake(redact: (e: Event) => Event = (e) => e) {
  const dir = mkdtempSync(join(tmpdir(), "devtrace-intake-"));
  dirs.push(dir);
  const journal: Event[] = [];
  const woken: bigint[] = [];
  const ledgerPath = join(dir, "ledger.json");
  const it = new EventIntake({
    redact,
    append: async (e) => {
      journal.push(e);
      return BigInt(journal.length);
    },
    ledger: IntakeLedger.open(ledgerPath),
    onAppended: (seq) => woken.push(seq),
    logger: pino({ level: "silent" }),
    now: () => new Date("2026-02-02T10:00:01Z"),
  });
  return { intake: it, journal, woken, ledgerPath };
}

const command = (line: string, sessionId = "s1") =>
  create(EventSchema, {
    sessionId,
    kind: { case: "terminalCommand", value: { commandLine: line, startedAt: timestampFromDate(new Date("2026-02-02T10:00:00Z")), durationMs: 2000n } },
  });

describe("EventIntake", () => {
  it("hands only redacted events to the journal, stamped with a time, and wakes the uplink", async () => {
    const { intake: i, journal, woken } = intake((e) => {
      if (e.kind.case === "terminalCommand") e.kind.value.commandLine = e.kind.value.commandLine.replace(/s3cr3t/g, "[REDACTED]");
      return e;
    });
    const outcome = await i.accept(command("curl -H 'token: s3cr3t' x"));
    expect(outcome).toEqual({ kind: "spooled", seq: 1n });
    expect(journal[0].kind.case === "terminalCommand" && journal[0].kind.value.commandLine).toBe("curl -H 'token: [REDACTED]' x");
    expect(journal[0].time).toBeDefined();
    expect(woken).toEqual([1n]);
  });

  it("spools a redelivered shell record once, also after a restart", async () => {
    const first = intake();
    expect((await first.intake.accept(command("make"), { record: 1 })).kind).toBe("spooled");
    expect((await first.intake.accept(command("make"), { record: 1 })).kind).toBe("duplicate");
    const again = new EventIntake({
      redact: (e) => e,
      append: async () => 99n,
      ledger: IntakeLedger.open(first.ledgerPath),
      onAppended: () => {},
      logger: pino({ level: "silent" }),
    });
    expect((await again.accept(command("make"), { record: 1 })).kind).toBe("duplicate");
    expect((await again.accept(command("make test"), { record: 2 })).kind).toBe("spooled");
  });

  it("records a note typed in a shell once, as a thought, not also as a command", async () => {
    const { intake: i, journal } = intake();
    await i.accept(create(EventSchema, { sessionId: "s1", kind: { case: "thought", value: { text: "off by one" } } }));
    expect((await i.accept(command('devtrace note "off by one"'), { record: 1 })).kind).toBe("note_echo");
    expect((await i.accept(command("devtrace note again"), { record: 2 })).kind).toBe("spooled");
    expect(journal.map((e) => e.kind.case)).toEqual(["thought", "terminalCommand"]);
  });

  it("keeps arrival order while appends are slow", async () => {
    const journal: string[] = [];
    const dir = mkdtempSync(join(tmpdir(), "devtrace-intake-"));
    dirs.push(dir);
    const i = new EventIntake({
      redact: async (e) => {
        await new Promise((r) => setTimeout(r, e.sessionId === "slow" ? 30 : 0));
        return e;
      },
      append: async (e) => {
        journal.push(e.sessionId);
        return BigInt(journal.length);
      },
      ledger: IntakeLedger.open(join(dir, "l.json")),
      onAppended: () => {},
      logger: pino({ level: "silent" }),
    });
    await Promise.all([i.accept(command("a", "slow")), i.accept(command("b", "fast"))]);
    expect(journal).toEqual(["slow", "fast"]);
  });
});
