import { lintSource } from "@secretlint/core";
import { creator as preset } from "@secretlint/secretlint-rule-preset-recommend";
import { describe, expect, it } from "vitest";
import { shortRuleId, unknownPresetRules } from "../../../redact/preset-anchors.js";
import { SecretlintScanner, secretlintConfig } from "../../../redact/secretlint-scanner.js";
import { applyRanges, mergeRanges } from "../../../redact/secret-range.js";
import { secretSamples } from "../../fixtures/redact/secret-samples.js";
import { seededRandom } from "../../helpers/seeded-random.js";

/** secretlint run the plain way on the whole text: the reference the scanner must match. */
async function reference(text: string): Promise<Array<{ rule: string; value: string }>> {
  const result = await lintSource({
    source: { content: text, filePath: "", ext: ".txt", contentType: "text" },
    options: { config: secretlintConfig },
  });
  return result.messages.map((m) => {
    const data = (m.data ?? {}) as Record<string, string>;
    const value = data.KEY ?? data.TOKEN ?? data.ID ?? data.URI ?? data.CREDENTIAL ?? data.URL ?? "";
    return { rule: shortRuleId(m.ruleId), value };
  });
}

async function scanAndApply(scanner: SecretlintScanner, text: string): Promise<string> {
  return applyRanges(text, mergeRanges(await scanner.scan(text)));
}

const presetSamples = secretSamples().filter((s) => s.presetRule !== undefined);

const cleanLines = [
  "src/app.ts(12,5): error TS2322: Type 'number' is not assignable to type 'string'.",
  "commit 4f2a9c1e0b7d3a5f6e8c9b0a1d2e3f4a5b6c7d8e",
  "request 3b1f0c2e-9a8d-4e7f-b6a5-c4d3e2f1a0b9 took 12ms",
  "    const hash = 'dGhpcyBpcyBqdXN0IGJhc2U2NCBpbiBub3JtYWwgY29kZQ==';",
  "PASS test/parser.test.ts (1.2 s)",
];

/** A text of clean lines with preset samples dropped in at random places and joints. */
function fuzzText(seed: number): { text: string; secrets: number } {
  const rnd = seededRandom(seed);
  const parts: string[] = rnd() < 0.2 ? ["\uFEFF"] : [];
  let secrets = 0;
  const longLines = rnd() < 0.3;
  for (let i = 0; i < 400; i++) {
    const joint = longLines ? (rnd() < 0.5 ? " " : ";") : ["\n", "\n", " ", "\t", "\r\n"][Math.floor(rnd() * 5)];
    if (rnd() < 0.15) {
      const s = presetSamples[Math.floor(rnd() * presetSamples.length)];
      parts.push(s?.line ?? "", joint);
      secrets++;
    } else {
      parts.push(cleanLines[Math.floor(rnd() * cleanLines.length)] ?? "", joint);
    }
  }
  return { text: parts.join(""), secrets };
}

describe("SecretlintScanner.scan()", () => {
  it("knows every rule of the installed preset (an upgrade that adds one fails here)", () => {
    expect(unknownPresetRules(preset.rules.map((r) => r.meta.id))).toEqual([]);
  });

  it.each(presetSamples.map((s) => [s.name, s] as const))("finds the %s that secretlint itself finds", async (_name, sample) => {
    const found = await reference(sample.line);
    expect(found.map((f) => f.rule)).toContain(sample.presetRule);
    const out = await scanAndApply(new SecretlintScanner(), sample.line);
    expect(out).not.toContain(sample.secret);
  });

  it.each([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])(
    "misses nothing a whole-text lintSource finds, with small windows (fuzz seed %i)",
    async (seed) => {
      const { text, secrets } = fuzzText(seed);
      const found = await reference(text);
      expect(found.length).toBeGreaterThanOrEqual(Math.min(1, secrets));
      for (const scanner of [new SecretlintScanner({ maxWindow: 2048 }), new SecretlintScanner({ prefilter: false, maxWindow: 4096 })]) {
        const out = await scanAndApply(scanner, text);
        for (const f of found) expect(out, `${f.rule} value survived`).not.toContain(f.value);
      }
    },
  );

  it("stays exact in one long line without whitespace, for every single-line preset sample", async () => {
    const rnd = seededRandom(99);
    const filler = () => Array.from({ length: 3000 }, () => "abcdefghij0123456789"[Math.floor(rnd() * 20)]).join("");
    const glued = presetSamples.filter((s) => !s.line.includes("\n")).map((s) => s.line.replace(/\s+/g, ";"));
    const text = glued.map((line) => `${filler()};${line};`).join("");
    const found = await reference(text);
    expect(new Set(found.map((f) => f.rule)).size).toBeGreaterThanOrEqual(20);
    for (const scanner of [new SecretlintScanner({ maxWindow: 4096 }), new SecretlintScanner({ prefilter: false, maxWindow: 4096 })]) {
      const out = await scanAndApply(scanner, text);
      for (const f of found) expect(out, `${f.rule} value survived`).not.toContain(f.value);
    }
  });

  it("redacts thousands of secrets in one text (dense output is cut into many windows)", async () => {
    const ghp = presetSamples.find((s) => s.presetRule === "github")?.secret ?? "";
    const text = Array.from({ length: 3000 }, (_, i) => `line ${i}: token ${ghp.slice(0, -4)}${String(1000 + i)}`).join("\n");
    const out = await scanAndApply(new SecretlintScanner(), text);
    expect(out.match(/\[REDACTED:github\]/g)?.length).toBe(3000);
  });

  it("reports the AWS secret access key at the value, not at the key name", async () => {
    const sample = presetSamples.find((s) => s.name === "AWS secret access key");
    const out = await scanAndApply(new SecretlintScanner(), sample?.line ?? "");
    expect(out).toBe(`${["aws_secret", "access_key"].join("_")} = [REDACTED:aws]`);
  });

  it("keeps host and path of a URL and redacts only its password", async () => {
    const sample = presetSamples.find((s) => s.presetRule === "basicauth");
    const out = await scanAndApply(new SecretlintScanner(), sample?.line ?? "");
    expect(out).toBe("git clone https://deploy:[REDACTED:basicauth]@git.acme-corp.io/app.git");
  });

  it.each([
    ["on the line before", (line: string) => `# secretlint-disable\n${line}`],
    ["glued to the secret", (line: string) => `${line.replace(/\s+/g, ";")};//secretlint-disable-line`],
  ])("cannot be switched off by a secretlint-disable comment %s", async (_where, make) => {
    const sample = presetSamples.find((s) => s.presetRule === "github");
    const text = make(sample?.line ?? "");
    for (const scanner of [new SecretlintScanner(), new SecretlintScanner({ prefilter: false })]) {
      expect(await scanAndApply(scanner, text)).not.toContain(sample?.secret);
    }
  });

  it("leaves no secretlint profiler marks in the performance timeline", async () => {
    performance.clearMarks();
    const scanner = new SecretlintScanner();
    const sample = presetSamples.find((s) => s.presetRule === "github");
    for (let i = 0; i < 20; i++) await scanner.scan(sample?.line ?? "");
    expect(performance.getEntriesByType("mark").filter((m) => m.name.startsWith("@core>"))).toEqual([]);
  });

  it("finds nothing in text without anchors", async () => {
    expect(await new SecretlintScanner().scan(cleanLines.join("\n").repeat(100))).toEqual([]);
  });
});
