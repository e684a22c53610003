/**
 * Whether a value looks like a generated secret rather than a word, a number, an
 * identifier, a path or a hash: the shape tests shared by the rules that have no
 * provider prefix to go by (bare tokens, `name value` arguments, assignments).
 */

/** Shannon entropy of `s` in bits per char. */
export function entropy(s: string): number {
  const counts = new Map<string, number>();
  for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

function charClass(c: number): number {
  if (c >= 48 && c <= 57) return 1; // digit
  if (c >= 65 && c <= 90) return 2; // upper
  if (c >= 97 && c <= 122) return 3; // lower
  return 4; // symbol
}

/**
 * Changes of char class (digit, upper, lower, symbol) per char. Random base62 changes
 * class ~60 % of the time, random hex ~45 %; words and camelCase identifiers ~10 %.
 */
export function classChangeRate(s: string): number {
  if (s.length < 2) return 0;
  let changes = 0;
  for (let i = 1; i < s.length; i++) if (charClass(s.charCodeAt(i)) !== charClass(s.charCodeAt(i - 1))) changes++;
  return changes / (s.length - 1);
}

const hexOnly = /^[0-9a-f]+$/i;
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** All hex digits: commit shas, content hashes, object ids, but also some API keys. */
export function isHex(s: string): boolean {
  return hexOnly.test(s);
}

/** A UUID: an id far more often than a secret. */
export function isUuid(s: string): boolean {
  return uuid.test(s);
}

/** `<password>`, `${TOKEN}`, `$TOKEN`, `xxxx`, `****`, `...`: stand-ins, not secrets. */
export function isPlaceholder(s: string): boolean {
  return (
    s.length === 0 ||
    /^<[^<>]*>$/.test(s) ||
    /^\$/.test(s) ||
    /^%[A-Za-z_]+%$/.test(s) ||
    /^\{\{.*\}\}$/.test(s) ||
    /^(.)\1{3,}$/.test(s) ||
    /^\[REDACTED:/.test(s) ||
    /^(?:x+|\*+|\.+|changeme|redacted|secret|password|token|example|none|null)$/i.test(s)
  );
}

/**
 * A generated value: long enough, mixed alphabet, high entropy, and not a word, an
 * identifier, a path, a version or a hash-only hex string (those need context, see callers).
 * `minLength` defaults to 16.
 */
export function looksRandom(value: string, minLength = 16): boolean {
  const v = value.replace(/=+$/, "");
  if (v.length < minLength || v.length > 512) return false;
  if (isPlaceholder(v) || isHex(v) || isUuid(v)) return false;
  if (/^[./~]|:\/\//.test(v)) return false; // paths and URLs
  if (!/[0-9]/.test(v) || !/[A-Za-z]/.test(v)) return false;
  if (!/[A-Z]/.test(v) && !/[a-z]/.test(v)) return false;
  if (/^\d+(\.\d+)+([-+][\w.]+)?$/.test(v)) return false; // versions
  return classChangeRate(v) >= 0.3 && entropy(v) >= Math.min(3.5, Math.log2(v.length) - 0.7);
}

/** Hex digits that look generated (≥ `minLength`, mixed digits and letters); callers decide from context whether it is a hash. */
export function looksRandomHex(value: string, minLength = 20): boolean {
  if (value.length < minLength || !isHex(value)) return false;
  return /[0-9]/.test(value) && /[a-f]/i.test(value) && classChangeRate(value) >= 0.25 && entropy(value) >= 3;
}
