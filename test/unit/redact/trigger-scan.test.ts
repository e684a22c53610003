import { describe, expect, it } from "vitest";
import { findArguments } from "../../../redact/argument-rules.js";
import { findAssignments } from "../../../redact/assignment-rule.js";
import { findBareTokens } from "../../../redact/bare-token-rule.js";
import { findCredentials } from "../../../redact/credential-rules.js";
import { findProviderTokens } from "../../../redact/provider-rules.js";
import { Redactor } from "../../../redact/redactor.js";
import { SecretlintScanner } from "../../../redact/secretlint-scanner.js";
import { mergeRanges, type SecretRange } from "../../../redact/secret-range.js";
import { TriggerScan, type Trigger } from "../../../redact/trigger-scan.js";
import { corpusLookalikes, corpusSecrets } from "../../fixtures/redact/corpus.js";
import { secretSamples } from "../../fixtures/redact/secret-samples.js";
import { seededRandom } from "../../helpers/seeded-random.js";

const foldAscii = (s: string) => s.replace(/[A-Z]/g, (c) => c.toLowerCase());

/** What present() must say, the slow way. */
function naivePresent(triggers: readonly Trigger[], text: string): boolean[] {
  return triggers.map(
    (t) =>
      t.literals.some((l) => (t.caseSensitive ? text.includes(l) : foldAscii(text).includes(foldAscii(l)))) ||
      (t.patterns ?? []).some((re) => re.test(text)),
  );
}

describe("TriggerScan.present()", () => {
  const scan = new TriggerScan([
    { literals: ["-key", "keypass"] },
    { literals: ["SK", "pat"], caseSensitive: true },
    { literals: ["zz"], patterns: [/:\d+:\d+:/] },
  ]);

  it.each([
    ["nothing", "the tier check uses a strict comparison", [false, false, false]],
    ["a literal in another case", "X-API-KEY: 1", [true, false, false]],
    ["overlapping literals of one family", "-keypass", [true, false, false]],
    ["a case-sensitive literal with its case", "SK0123", [false, true, false]],
    ["a case-sensitive literal in another case only", "a task: fix the Path", [false, false, false]],
    ["a case-sensitive literal after a folded near-miss", "sKSK", [false, true, false]],
    ["a literal at the very end", "compat", [false, true, false]],
    ["a pattern only", "cart.ts:118:7:", [false, false, true]],
    ["a non-ASCII char between the halves of a literal", "-k\u00e9ey", [false, false, false]],
    ["a non-ASCII look-alike of a letter", "-\u212aey", [false, false, false]],
  ])("finds %s", (_name, text, expected) => {
    expect(scan.present(text)).toEqual(expected);
  });

  it("agrees with a plain substring search on random text", () => {
    const rnd = seededRandom(5);
    const alphabet = "abkeyKEYpasSPT-_:.é ";
    const word = (n: number) => Array.from({ length: n }, () => alphabet[Math.floor(rnd() * alphabet.length)]).join("");
    const triggers: Trigger[] = Array.from({ length: 6 }, (_, i) => ({
      literals: Array.from({ length: 1 + Math.floor(rnd() * 4) }, () => word(1 + Math.floor(rnd() * 4)).replace(/é/g, "e")),
      caseSensitive: i % 2 === 0,
    }));
    const random = new TriggerScan(triggers);
    for (let i = 0; i < 3000; i++) {
      const text = word(Math.floor(rnd() * 40));
      expect(random.present(text), JSON.stringify({ text, triggers })).toEqual(naivePresent(triggers, text));
    }
  });

  it.each([
    ["a non-ASCII literal", { literals: ["clé"] }, /not printable ASCII/],
    ["an empty literal", { literals: [""] }, /not printable ASCII/],
    ["a global pattern", { literals: [], patterns: [/x/g] }, /neither global nor sticky/],
  ])("rejects %s", (_name, trigger, message) => {
    expect(() => new TriggerScan([trigger])).toThrow(message);
  });
});

/** Every rule on the whole text: what findSecrets() found before it had a prefilter. */
async function everyRule(scanner: SecretlintScanner, text: string, prose: boolean): Promise<SecretRange[]> {
  return mergeRanges([
    ...findAssignments(text),
    ...findArguments(text),
    ...findCredentials(text),
    ...findProviderTokens(text),
    ...findBareTokens(text, { prose }),
    ...(await scanner.scan(text)),
  ]);
}

const secretLines = [...secretSamples().map((s) => s.line), ...corpusSecrets().map((s) => s.line)];
const ordinaryLines = [
  ...corpusLookalikes(),
  "    for tier in sorted(tiers, key=lambda t: t.min_quantity, reverse=True):",
  "============================ 1 failed, 23 passed in 0.41s ============================",
  "    at Object.<anonymous> (/home/dev/shop/src/cart.ts:118:7)",
  "the staging key is in the vault, ask the on-call for the session id",
];

/** A text of secret and ordinary lines, some cut at random points or with their case changed. */
function fuzzText(rnd: () => number): string {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)] as T;
  const parts: string[] = [];
  for (let n = 1 + Math.floor(rnd() * 6); n > 0; n--) {
    let line = rnd() < 0.5 ? pick(secretLines) : pick(ordinaryLines);
    const r = rnd();
    // A cut can remove a trigger and keep the rest of a match, or keep the trigger alone.
    if (r < 0.3) line = line.slice(Math.floor(rnd() * line.length * 0.6), line.length - Math.floor(rnd() * line.length * 0.3));
    else if (r < 0.4) line = line.toUpperCase();
    else if (r < 0.5) line = line.toLowerCase();
    parts.push(line, pick(["\n", " ", "", "\t", "\r\n", ";", "\n+"]));
  }
  return parts.join("");
}

describe("Redactor.findSecrets() with its prefilter", () => {
  const redactor = new Redactor();
  const scanner = new SecretlintScanner();

  it.each([1, 2, 3, 4])("finds exactly what every rule run on the whole text finds (fuzz seed %i)", async (seed) => {
    const rnd = seededRandom(seed);
    let withSecrets = 0;
    for (let i = 0; i < 150; i++) {
      const text = fuzzText(rnd);
      for (const prose of [false, true]) {
        const reference = await everyRule(scanner, text, prose);
        if (reference.length > 0) withSecrets++;
        expect(await redactor.findSecrets(text, { prose }), JSON.stringify({ text, prose })).toEqual(reference);
      }
    }
    // The fuzz must reach the rules, not only the prefilter's skip path.
    expect(withSecrets).toBeGreaterThan(100);
  });

  it.each(secretLines.map((line, i) => [i, line] as const))("finds every secret of sample line #%i", async (_i, line) => {
    for (const prose of [false, true]) expect(await redactor.findSecrets(line, { prose })).toEqual(await everyRule(scanner, line, prose));
  });
});
