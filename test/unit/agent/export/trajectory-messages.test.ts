import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { TraceSchema } from "../../../../gen/devtrace/v1/trace_pb.js";
import { messagesRow } from "../../../../agent/export/messages-row.js";
import { trajectoryTools } from "../../../../agent/export/trajectory-tools.js";
import { eventOfKind } from "../../../helpers/trace-events.js";

const trace = create(TraceSchema, {
  id: "t-1",
  developer: { id: "dev-1" },
  task: { description: "bulk discount applied one item too early", repoUrl: "https://github.com/acme/shop.git", baseCommit: "0123abcd", testCommand: "pytest -q" },
  eventCount: 5n,
});
const diff = "--- a/shopcart/pricing.py\n+++ b/shopcart/pricing.py\n@@ -1 +1 @@\n-if qty > 10:\n+if qty >= 10:\n";

// The README's worked example ("Use the data"): keep the two in step.
const events = [
  eventOfKind(1, { case: "terminalCommand", value: { commandLine: "pytest -q", cwd: "~/shop", exitCode: 1, output: "1 failed, 4 passed\n", outputBytes: 19n } }),
  eventOfKind(2, { case: "thought", value: { text: "the tier check uses > where the spec says >=", tags: ["hypothesis"] } }),
  eventOfKind(3, { case: "fileEdit", value: { path: "shopcart/pricing.py", unifiedDiff: diff, linesAdded: 1, linesRemoved: 1 } }),
  eventOfKind(4, { case: "goToDefinition", value: { source: { path: "shopcart/cart.py", range: { start: { line: 4, column: 8 } }, symbol: "line_price" }, target: { path: "shopcart/pricing.py", range: { start: { line: 11, column: 4 } }, symbol: "line_price", symbolKind: "function" } } }),
  eventOfKind(5, { case: "thought", value: { text: "fixed; 10 mugs now get 10% off", tags: [] } }),
];

describe("messagesRow()", () => {
  const row = messagesRow(trace, events);
  const step = (seq: number, kind: string, tags: string[] = []) => ({ seq, session_id: "term-1", time: `2026-01-01T00:00:00.00${seq}Z`, kind, tags });

  it("opens with a system message naming the repository and a user message with the task", () => {
    expect(row.messages.slice(0, 2).map((m) => [m.role, m.content])).toEqual([
      ["system", expect.stringContaining("acme/shop at commit 0123abcd")],
      ["user", "bulk discount applied one item too early\n\nThe tests run with: pytest -q"],
    ]);
  });

  it("makes a command a bash call whose result is its output and exit code", () => {
    expect(row.messages.slice(2, 4)).toEqual([
      { role: "assistant", content: "", tool_calls: [{ id: "call_1", type: "function", function: { name: "bash", arguments: '{"command":"pytest -q","cwd":"~/shop"}' } }], tool_call_id: null, name: null, steps: [step(1, "terminal_command")] },
      { role: "tool", content: "1 failed, 4 passed\n[exit code 1]", tool_calls: null, tool_call_id: "call_1", name: "bash", steps: [step(1, "terminal_command")] },
    ]);
  });

  it("makes a note the text of the assistant message that carries the next action, keeping each step's seq, session and time", () => {
    const m = row.messages[4];
    expect(m.content).toBe("the tier check uses > where the spec says >=");
    expect(m.tool_calls).toEqual([{ id: "call_3", type: "function", function: { name: "edit", arguments: JSON.stringify({ path: "shopcart/pricing.py", diff }) } }]);
    expect(m.steps).toEqual([step(2, "thought", ["hypothesis"]), step(3, "file_edit")]);
    expect(row.messages[5]).toMatchObject({ role: "tool", content: "edited shopcart/pricing.py (+1 -1)", tool_call_id: "call_3" });
  });

  it("makes navigation a tool call whose result is where it led", () => {
    expect(JSON.parse(row.messages[6].tool_calls![0].function.arguments)).toEqual({ path: "shopcart/cart.py", line: 4, column: 8, symbol: "line_price" });
    expect(row.messages[7].content).toBe("shopcart/pricing.py:12:5 line_price (function)");
  });

  it("ends with the last notes as an assistant message without calls", () => {
    expect(row.messages.at(-1)).toEqual({ role: "assistant", content: "fixed; 10 mugs now get 10% off", tool_calls: null, tool_call_id: null, name: null, steps: [step(5, "thought")] });
    expect(row.messages).toHaveLength(9);
  });

  it("exports the tools schema, marks the source human, and declares every tool it calls", () => {
    expect(row.source).toBe("human");
    const declared = new Set((JSON.parse(row.tools) as typeof trajectoryTools).map((t) => t.function.name));
    const called = row.messages.flatMap((m) => m.tool_calls ?? []).map((c) => c.function.name);
    expect(called.filter((n) => !declared.has(n))).toEqual([]);
  });

  it("says when output was cut and when no exit code came", () => {
    const cut = messagesRow(trace, [eventOfKind(1, { case: "terminalCommand", value: { commandLine: "make", output: "head…tail", outputBytes: 9000n, outputBytesCut: 8991n } })]);
    expect(cut.messages[3].content).toBe("head…tail\n[8991 of 9000 output bytes cut from the middle]\n[no exit code: the terminal closed first]");
  });
});
