import { readFileSync } from "node:fs";
import { rulePriority, type SecretRange } from "./secret-range.js";

/**
 * One extra pattern from the user's redaction file, a JSON array of
 * `{ "name": "acme-key", "pattern": "acme_[0-9a-f]{32}", "flags": "i" }`.
 * When the pattern has a named group `secret`, only that group is redacted.
 */
export interface RedactPattern {
  name: string;
  re: RegExp;
}

const namePattern = /^[A-Za-z0-9_.-]{1,64}$/;
const allowedFlags = /^[imsu]*$/;

/**
 * Reads and compiles a redaction patterns file. Throws an Error naming the file (and the
 * pattern) on unreadable files, bad JSON, bad entries and invalid regular expressions.
 * With `optional`, a missing file means no extra patterns.
 */
export function loadRedactPatterns(file: string, options: { optional?: boolean } = {}): RedactPattern[] {
  let raw: string;
  try {
    raw = readFileSync(file, "utf8");
  } catch (err) {
    if (options.optional && (err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw new Error(`redaction patterns file ${file}: cannot read it`, { cause: err });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (err) {
    throw new Error(`redaction patterns file ${file}: not valid JSON (${(err as Error).message})`, { cause: err });
  }
  return compileRedactPatterns(parsed, `redaction patterns file ${file}`);
}

/** Validates and compiles pattern specs; `source` names where they came from in errors. */
export function compileRedactPatterns(specs: unknown, source: string): RedactPattern[] {
  if (!Array.isArray(specs)) throw new Error(`${source}: expected a JSON array of {name, pattern, flags}`);
  const seen = new Set<string>();
  return specs.map((spec: unknown, i) => {
    const where = `${source}: entry #${i + 1}`;
    if (typeof spec !== "object" || spec === null) throw new Error(`${where}: expected an object {name, pattern, flags}`);
    const { name, pattern, flags = "" } = spec as Record<string, unknown>;
    if (typeof name !== "string" || !namePattern.test(name)) {
      throw new Error(`${where}: "name" must be 1-64 chars of letters, digits, "_", "-" or "."`);
    }
    if (seen.has(name)) throw new Error(`${where}: the name "${name}" is used twice`);
    seen.add(name);
    if (typeof pattern !== "string" || pattern.length === 0) throw new Error(`${where} ("${name}"): "pattern" must be a non-empty string`);
    if (typeof flags !== "string" || !allowedFlags.test(flags)) {
      throw new Error(`${where} ("${name}"): "flags" may only hold i, m, s and u`);
    }
    let re: RegExp;
    try {
      re = new RegExp(pattern, `${flags}gd`);
    } catch (err) {
      throw new Error(`${where} ("${name}"): pattern /${pattern}/ is not a valid regular expression: ${(err as Error).message}`, {
        cause: err,
      });
    }
    if (new RegExp(pattern, flags).test("")) throw new Error(`${where} ("${name}"): pattern /${pattern}/ matches the empty string`);
    return { name, re };
  });
}

/** Ranges matched by the user's patterns (their `secret` group when they have one). */
export function findUserPatterns(text: string, patterns: readonly RedactPattern[]): SecretRange[] {
  const found: SecretRange[] = [];
  for (const { name, re } of patterns) {
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      if (m[0].length === 0) {
        re.lastIndex++;
        continue;
      }
      const [start, end] = m.indices?.groups?.secret ?? [m.index, m.index + m[0].length];
      found.push({ start, end, rule: name, priority: rulePriority.specific });
    }
  }
  return found;
}
