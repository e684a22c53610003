import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Event } from "../../../../gen/devtrace/v1/event_pb.js";
import { NavigationRecorder } from "../../../../agent/lsp/navigation-recorder.js";

let root: string;
let events: Event[];
let recorder: NavigationRecorder;
const uri = (rel: string) => pathToFileURL(join(root, rel)).href;
const send = (side: "fromClient" | "fromServer", m: unknown) => recorder[side](Buffer.from(JSON.stringify(m)));
const open = (rel: string, text: string) =>
  send("fromClient", { jsonrpc: "2.0", method: "textDocument/didOpen", params: { textDocument: { uri: uri(rel), languageId: "python", version: 1, text } } });
const ask = (id: unknown, method: string, rel: string, line: number, character: number) =>
  send("fromClient", { jsonrpc: "2.0", id, method, params: { textDocument: { uri: uri(rel) }, position: { line, character } } });
const answer = (id: unknown, result: unknown) => send("fromServer", { jsonrpc: "2.0", id, result });
const loc = (rel: string, line: number, character: number, len = 3) => ({ uri: uri(rel), range: { start: { line, character }, end: { line, character: character + len } } });
const kinds = () => events.map((e) => e.kind.case);

beforeEach(() => {
  vi.useFakeTimers();
  root = mkdtempSync(join(tmpdir(), "devtrace-nav-"));
  mkdirSync(join(root, "pkg"));
  writeFileSync(join(root, "pkg/lib.py"), "import os\n\ndef total(xs):\n    return sum(xs)\n");
  events = [];
  recorder = new NavigationRecorder({ root, sink: (e) => events.push(e), logger: pino({ level: "silent" }), followWindowMs: 5_000 });
});
afterEach(() => {
  vi.useRealTimers();
  rmSync(root, { recursive: true, force: true });
});

describe("NavigationRecorder", () => {
  it("names the symbols on the developer's screen, unsaved edits included, and reads a closed target from disk", () => {
    open("pkg/app.py", "from pkg.lib import total\nx = total([1])\n");
    send("fromClient", {
      jsonrpc: "2.0",
      method: "textDocument/didChange",
      params: { textDocument: { uri: uri("pkg/app.py"), version: 2 }, contentChanges: [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 1 } }, text: "grand_sum" }] },
    });
    ask(1, "textDocument/definition", "pkg/app.py", 1, 14);
    answer(1, [{ targetUri: uri("pkg/lib.py"), targetRange: { start: { line: 2, character: 0 }, end: { line: 3, character: 18 } }, targetSelectionRange: { start: { line: 2, character: 4 }, end: { line: 2, character: 9 } } }]);
    vi.advanceTimersByTime(5_000);
    const d = events[1].kind.value as { source: { symbol: string; path: string }; target: { symbol: string; path: string; range: { start: { line: number; column: number } } }; followed: boolean };
    expect([d.source.path, d.source.symbol, d.target.path, d.target.symbol, d.target.range.start, d.followed]).toEqual([
      "pkg/app.py",
      "total",
      "pkg/lib.py",
      "total",
      expect.objectContaining({ line: 2, column: 4 }),
      false,
    ]);
  });

  it("marks an answer followed as soon as the editor opens the target, or asks about its position", () => {
    open("pkg/app.py", "x = total([1])\ny = total([2])\n");
    ask("a", "textDocument/definition", "pkg/app.py", 0, 5);
    answer("a", loc("pkg/lib.py", 2, 4));
    expect(events).toHaveLength(1); // waiting for the follow window
    open("pkg/lib.py", "import os\n\ndef total(xs):\n    return sum(xs)\n");
    // Sent as soon as it was followed, after the open that proved it.
    expect(events.map((e) => [e.kind.case, (e.kind.value as { followed?: boolean }).followed])).toEqual([
      ["fileOpened", undefined],
      ["fileOpened", undefined],
      ["goToDefinition", true],
    ]);
    // A target in the same document: a later request at the target's line follows it, one elsewhere does not.
    ask(2, "textDocument/definition", "pkg/app.py", 1, 5);
    answer(2, loc("pkg/app.py", 0, 4));
    send("fromClient", { jsonrpc: "2.0", id: 3, method: "textDocument/hover", params: { textDocument: { uri: uri("pkg/app.py") }, position: { line: 1, character: 1 } } });
    expect(events).toHaveLength(3);
    send("fromClient", { jsonrpc: "2.0", id: 4, method: "textDocument/documentHighlight", params: { textDocument: { uri: uri("pkg/app.py") }, position: { line: 0, character: 6 } } });
    expect(events).toHaveLength(4);
    expect((events[3].kind.value as { followed: boolean }).followed).toBe(true);
  });

  it("does not record cancelled requests, error responses, empty answers or targets outside the repository", () => {
    open("pkg/app.py", "x = total([1])\n");
    ask(1, "textDocument/definition", "pkg/app.py", 0, 5);
    send("fromClient", { jsonrpc: "2.0", method: "$/cancelRequest", params: { id: 1 } });
    answer(1, [loc("pkg/lib.py", 2, 4)]);
    ask(2, "textDocument/definition", "pkg/app.py", 0, 5);
    send("fromServer", { jsonrpc: "2.0", id: 2, error: { code: -32603, message: "boom" } });
    ask(3, "textDocument/definition", "pkg/app.py", 0, 5);
    answer(3, null);
    ask(4, "textDocument/definition", "pkg/app.py", 0, 5);
    answer(4, [{ uri: "file:///usr/lib/python3/os.py", range: { start: { line: 1, character: 0 }, end: { line: 1, character: 2 } } }]);
    ask(5, "textDocument/typeDefinition", "../outside.py", 0, 0);
    answer(5, [loc("pkg/lib.py", 2, 4)]);
    vi.advanceTimersByTime(10_000);
    recorder.flush();
    expect(kinds()).toEqual(["fileOpened"]);
  });

  it("keeps string and number ids apart, and ignores server requests that reuse a client's id", () => {
    open("pkg/app.py", "x = total([1])\n");
    ask(7, "textDocument/implementation", "pkg/app.py", 0, 5);
    answer("7", [loc("pkg/lib.py", 2, 4)]); // a different id
    send("fromServer", { jsonrpc: "2.0", id: 7, method: "workspace/configuration", params: {} });
    answer(7, [loc("pkg/lib.py", 2, 4)]);
    recorder.flush();
    expect(events.map((e) => (e.kind.value as { request?: string }).request)).toEqual([undefined, "implementation"]);
  });

  it("bounds references and counts those cut, outside the repository included", () => {
    open("pkg/app.py", "x = total([1])\n");
    ask(1, "textDocument/references", "pkg/app.py", 0, 5);
    const many = Array.from({ length: 150 }, (_, i) => loc("pkg/app.py", i, 0));
    answer(1, [...many, { uri: "file:///elsewhere/x.py", range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } } }]);
    recorder.flush();
    const r = events[1].kind.value as { references: unknown[]; referencesFound: number; referencesCut: number };
    expect([r.references.length, r.referencesFound, r.referencesCut]).toEqual([100, 151, 51]);
  });

  it.each([
    ["an id that is an object", { jsonrpc: "2.0", id: { x: 1 }, method: "textDocument/definition", params: { textDocument: { uri: "" }, position: { line: 0, character: 0 } } }],
    ["a negative position", { jsonrpc: "2.0", id: 1, method: "textDocument/definition", params: { textDocument: { uri: "APP" }, position: { line: -1, character: 0 } } }],
    ["a position beyond 32 bits", { jsonrpc: "2.0", id: 1, method: "textDocument/definition", params: { textDocument: { uri: "APP" }, position: { line: 2 ** 40, character: 0 } } }],
    ["a uri that is not a file", { jsonrpc: "2.0", id: 1, method: "textDocument/definition", params: { textDocument: { uri: "untitled:Untitled-1" }, position: { line: 0, character: 0 } } }],
    ["a malformed file uri", { jsonrpc: "2.0", id: 1, method: "textDocument/definition", params: { textDocument: { uri: "file://host/%zz" }, position: { line: 0, character: 0 } } }],
    ["params that are a string", { jsonrpc: "2.0", id: 1, method: "textDocument/definition", params: "x" }],
    ["a JSON array", [1, 2, 3]],
    ["a didOpen without text", { jsonrpc: "2.0", method: "textDocument/didOpen", params: { textDocument: { uri: 5 } } }],
    ["a didChange with a bad range", { jsonrpc: "2.0", method: "textDocument/didChange", params: { textDocument: { uri: "APP", version: 2 }, contentChanges: [{ range: { start: 1 }, text: "x" }] } }],
  ])("ignores %s without throwing", (_name, m) => {
    open("pkg/app.py", "x = total([1])\n");
    const json = JSON.stringify(m).replaceAll('"APP"', JSON.stringify(uri("pkg/app.py")));
    expect(() => recorder.fromClient(Buffer.from(json))).not.toThrow();
    answer(1, [loc("pkg/lib.py", 2, 4)]);
    recorder.flush();
    expect(kinds()).toEqual(["fileOpened"]);
  });

  it("ignores bodies that are not JSON", () => {
    expect(() => recorder.fromClient(Buffer.from([0xff, 0xfe, 0x00]))).not.toThrow();
    expect(() => recorder.fromServer(Buffer.from("{"))).not.toThrow();
    expect(events).toEqual([]);
  });
});
