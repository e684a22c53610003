import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { findUserPatterns, loadRedactPatterns } from "../../../redact/redact-patterns-file.js";

const dir = mkdtempSync(join(tmpdir(), "redact-patterns-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

describe("loadRedactPatterns()", () => {
  it("compiles name, pattern and flags", () => {
    const path = file("ok.json", JSON.stringify([{ name: "acme", pattern: "ACME-[a-z]{4}", flags: "i" }]));
    const [p] = loadRedactPatterns(path);
    expect(p?.name).toBe("acme");
    expect(findUserPatterns("x acme-abcd y", loadRedactPatterns(path))).toEqual([{ start: 2, end: 11, rule: "acme", priority: 3 }]);
  });

  it("names the file and the pattern when a regex is invalid", () => {
    const path = file("bad-regex.json", JSON.stringify([{ name: "ok", pattern: "a+" }, { name: "broken", pattern: "(unclosed" }]));
    expect(() => loadRedactPatterns(path)).toThrow(new RegExp(`${path}.*entry #2.*"broken".*\\(unclosed.*not a valid regular expression`));
  });

  it.each([
    ["bad JSON", "[{", /not valid JSON/],
    ["not an array", '{"name":"x"}', /expected a JSON array/],
    ["a bad name", '[{"name":"has space","pattern":"x"}]', /"name" must be/],
    ["a duplicate name", '[{"name":"a","pattern":"x"},{"name":"a","pattern":"y"}]', /used twice/],
    ["an empty pattern", '[{"name":"a","pattern":""}]', /non-empty string/],
    ["unsupported flags", '[{"name":"a","pattern":"x","flags":"gy"}]', /may only hold/],
    ["a pattern matching nothing", '[{"name":"a","pattern":"x*"}]', /matches the empty string/],
  ])("rejects %s with the file name in the message", (_what, content, message) => {
    const path = file(`case-${Math.random().toString(36).slice(2)}.json`, content);
    expect(() => loadRedactPatterns(path)).toThrow(message);
    expect(() => loadRedactPatterns(path)).toThrow(path);
  });

  it("treats a missing file as an error unless it is optional", () => {
    expect(() => loadRedactPatterns(join(dir, "none.json"))).toThrow(/none\.json: cannot read it/);
    expect(loadRedactPatterns(join(dir, "none.json"), { optional: true })).toEqual([]);
  });
});
