import { isMarkerAt, rulePriority, type SecretRange } from "./secret-range.js";
import type { Trigger } from "./trigger-scan.js";
import { isPlaceholder, looksRandom } from "./value-shape.js";

/**
 * Values assigned to secret-looking names: `GITHUB_TOKEN=…`, `export DB_PASSWORD='…'`,
 * `"apiKey": "…"`, `password: …` (YAML), `--password=…`, `--token …`, `?access_token=…`.
 * The name stays readable; only the value is redacted.
 *
 * The keyword is found first (a cheap literal scan), then the name around it and the
 * value after it are parsed by hand, so the cost stays linear on 5 MB outputs.
 */
const keyword = /token|secret|passw(?:or)?d|api[_-]?key|private[_-]?key|access[_-]?key|credentials?/gi;

/** Every match of `keyword` holds one of these (values are only found after a keyword). */
export const assignmentTrigger: Trigger = {
  literals: ["token", "secret", "passw", "apikey", "api_key", "api-key", "privatekey", "private_key", "private-key", "accesskey", "access_key", "access-key", "credential"],
};

/** Separator between name and value; `==`, `!=`, `<=`, `>=` are comparisons, not assignments. */
const separator = /(["'`]?)([ \t]*)(:=|=>|=(?!=)|:)([ \t]*)/y;

/**
 * Unquoted values that are code or placeholders rather than secrets: type names,
 * literals and keywords that follow `password:` / `token =` in source diffs.
 */
const notSecretWords = new Set([
  "string", "number", "boolean", "bool", "str", "int", "bytes", "any", "unknown", "object", "char",
  "null", "none", "nil", "true", "false", "undefined", "void", "optional", "required",
  "await", "new", "this", "self", "function", "lambda", "return", "typeof", "const", "let", "var",
]);

/** Name of the rule in markers. */
export const assignmentRule = "assignment";

/** Secret values assigned to secret-looking names in `text`. */
export function findAssignments(text: string): SecretRange[] {
  const found: SecretRange[] = [];
  let nameScannedTo = 0;
  keyword.lastIndex = 0;
  for (let m = keyword.exec(text); m !== null; m = keyword.exec(text)) {
    const kEnd = m.index + m[0].length;
    if (m.index < nameScannedTo || !keywordEndsWord(text, m[0], kEnd)) continue;
    const name = nameAround(text, m.index, kEnd);
    nameScannedTo = name.end;
    const value = valueAfter(text, name.start, name.end);
    // Keywords inside a value are part of it (`password=password=…` stays linear).
    if (value) nameScannedTo = Math.max(nameScannedTo, value.end);
    if (value && !isMarkerAt(text, value.start) && isSecretFor(text.slice(name.start, name.end), text.slice(value.start, value.end))) {
      found.push({ start: value.start, end: value.end, rule: assignmentRule, priority: rulePriority.generic });
    }
  }
  return found;
}

/** "tokens", "tokenizer", "passwords", "SECRETARY" are words of their own, not secret names. */
function keywordEndsWord(text: string, word: string, end: number): boolean {
  const next = text.charCodeAt(end);
  const lowerNext = next >= 97 && next <= 122;
  const upperNext = next >= 65 && next <= 90;
  return !lowerNext && !(upperNext && word === word.toUpperCase());
}

function isNameChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 45 || c === 46;
}

function nameAround(text: string, start: number, end: number): { start: number; end: number } {
  let s = start;
  let e = end;
  while (s > 0 && isNameChar(text.charCodeAt(s - 1))) s--;
  while (e < text.length && isNameChar(text.charCodeAt(e))) e++;
  return { start: s, end: e };
}

function valueAfter(text: string, nameStart: number, nameEnd: number): { start: number; end: number } | undefined {
  separator.lastIndex = nameEnd;
  const sep = separator.exec(text);
  const isFlag = text.charCodeAt(nameStart) === 45; // "-"
  if (!sep) return isFlag ? flagValue(text, nameEnd) : undefined;
  const [, closingQuote, , op, after] = sep;
  const at = nameEnd + sep[0].length;
  // "key:value" without a space is a URL, a time or a path far more often than YAML.
  if (op === ":" && after === "" && closingQuote === "" && !isQuote(text.charCodeAt(at))) return undefined;
  if (op === "=>" && !isQuote(text.charCodeAt(at))) return undefined; // an arrow function
  // `KEY= value`: in a shell or an env file the value is empty; the next word is something else.
  if (op === "=" && after !== "" && !isQuote(text.charCodeAt(at))) return undefined;
  return literalAt(text, at);
}

/** `--password hunter2`: a flag followed by one space-separated word. */
function flagValue(text: string, nameEnd: number): { start: number; end: number } | undefined {
  const c = text.charCodeAt(nameEnd);
  if (c !== 32 && c !== 9) return undefined;
  const next = text.charCodeAt(nameEnd + 1);
  if (next === 45 || next === 32 || next === 9) return undefined;
  return literalAt(text, nameEnd + 1);
}

function isQuote(c: number): boolean {
  return c === 34 || c === 39 || c === 96;
}

/** The secret part of the value starting at `at`, or undefined when it is not a literal. */
function literalAt(text: string, at: number): { start: number; end: number } | undefined {
  const q = text.charCodeAt(at);
  if (isQuote(q)) {
    const close = closingQuote(text, at + 1, q);
    // A quote that does not close on its line is the end of a string the name was in (`"Password: ")`).
    if (text.charCodeAt(close) !== q) return undefined;
    const inner = text.slice(at + 1, close);
    if (inner.length === 0 || /^(\$\{|\{\{|%[A-Z_]+%$)/.test(inner)) return undefined;
    return { start: at + 1, end: close };
  }
  // Bounded: `password=password=…` over a 5 MB line must not rescan the line per keyword.
  const limit = Math.min(text.length, at + maxUnquoted);
  let end = at;
  while (end < limit && !stopsUnquoted(text.charCodeAt(end))) end++;
  const value = text.slice(at, end);
  if (!looksLikeLiteral(value, text.charCodeAt(end))) return undefined;
  return { start: at, end };
}

/** Index of the closing quote, or the end of the line when the string does not close on it. */
function closingQuote(text: string, from: number, quote: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 92 && quote !== 39) i++; // backslash escape, except in '…'
    else if (c === quote) return i;
    else if (c === 10 || c === 13) return i;
  }
  return text.length;
}

/** Longest unquoted value looked at; longer runs are base64 blobs, not assigned secrets. */
const maxUnquoted = 4096;

function stopsUnquoted(c: number): boolean {
  // whitespace " ' ` , ; & | < > ( ) [ ] { }
  return c <= 32 || c === 34 || c === 39 || c === 96 || c === 44 || c === 59 || c === 38 || c === 124 ||
    c === 60 || c === 62 || c === 40 || c === 41 || c === 91 || c === 93 || c === 123 || c === 125;
}

const memberPath = /^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)+$/;

function looksLikeLiteral(value: string, next: number): boolean {
  if (value.length === 0) return false;
  const first = value.charCodeAt(0);
  if (first === 36 || first === 37) return false; // $VAR, ${VAR}, $(cmd), %VAR%
  if (next === 40 || next === 91) return false; // a call or an index: getToken(), env[...]
  if (notSecretWords.has(value.toLowerCase())) return false;
  // process.env.TOKEN, req.body.password; digits say token ("s.x8Kd2q") more than code.
  if (memberPath.test(value) && /[a-z]/.test(value) && !/\d/.test(value)) return false;
  return true;
}

/**
 * The last word of a name that describes a secret rather than holding one:
 * `password_field`, `api_key_name`, `secret_key_length`, `auth_token_header`, `tokenType`.
 */
const descriptorWords = new Set([
  "name", "names", "field", "fields", "header", "headers", "length", "len", "size", "type", "types", "prefix", "suffix",
  "label", "path", "file", "dir", "env", "var", "column", "col", "param", "regex", "pattern", "ttl", "expiry", "expires",
  "expiration", "count", "min", "max", "policy", "hint", "placeholder", "format", "version", "url", "uri", "endpoint",
  "location", "mode", "enabled", "required", "kind", "scheme", "algorithm", "alg", "rounds", "cost", "timeout",
  "lifetime", "duration", "attempts", "retries", "provider", "helper", "method", "strategy", "source", "class",
  "model", "schema", "validator", "form", "input", "widget", "index", "attr", "attribute", "key_name", "id", "ids",
  "error", "errors", "message", "msg", "text", "title", "description", "help", "display", "visible", "hidden", "store",
  "template", "view", "route", "page", "handler", "callback", "controller", "service", "manager", "module", "test",
  "spec", "fixture", "mock", "flag", "feature", "strength", "score", "rule", "rules", "requirement", "requirements",
  "complexity", "history", "at", "changed", "reset", "confirm", "confirmation", "match", "matches", "valid", "invalid",
]);

/** Values that are names of credentials rather than credentials: `"X-API-Key"`, `"Authorization"`, `"password"`. */
const credentialNameValue = /^(?:x-)?(?:api[-_]?key|token|access[-_]?token|secret|password|passwd|pwd|auth(?:orization)?|bearer|basic|credentials?)$/i;
/** HTTP header names: `Authorization`, `X-Api-Key`, `Proxy-Authorization`. */
const headerName = /^(?:[A-Z][a-z]+|X)(?:-[A-Z][A-Za-z]*)+$|^Authorization$/;
/** snake_case or camelCase identifiers without digits, e.g. `password = user_password`. */
const identifier = /^[a-z]+(?:_[a-z]+)+$|^[a-z]+(?:[A-Z][a-z]+)+$/;

/** Whether `value`, assigned to `name`, is a secret rather than code that talks about one. */
function isSecretFor(name: string, value: string): boolean {
  const words = name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase().split(/[_.-]+/).filter(Boolean);
  const last = words[words.length - 1] ?? "";
  if (descriptorWords.has(last) && !/^(?:key|token|secret|password)$/.test(last)) return looksRandom(value);
  if (/^\d{1,7}$/.test(value) || isPlaceholder(value)) return false;
  if (credentialNameValue.test(value) || headerName.test(value) || identifier.test(value)) return false;
  return true;
}
