import { invalid } from "./rules.js";

// With the u flag a surrogate pair is one code point outside this range: only lone ones match.
const loneSurrogate = /[\uD800-\uDFFF]/u;

/**
 * Refuses any string inside a decoded message that is not well-formed Unicode, i.e. holds
 * a lone surrogate: what invalid UTF-8 in a binary request decodes to (invalid-utf8.ts),
 * or a "\ud800" that a client put in by hand; stored, it would turn into U+FFFD without
 * a word. `field` names the message in the request; errors name the proto field, e.g.
 * "events[2].thought.text: is not valid UTF-8". Pass "" for a whole request.
 */
export function checkWellFormed(field: string, value: unknown): void {
  if (typeof value === "string") {
    if (loneSurrogate.test(value)) throw invalid(field || "request", "is not valid UTF-8");
    return;
  }
  if (typeof value !== "object" || value === null || value instanceof Uint8Array) return;
  if (Array.isArray(value)) {
    value.forEach((v, i) => checkWellFormed(`${field}[${i}]`, v));
    return;
  }
  const o = value as Record<string, unknown>;
  // A oneof is { case, value }: the member's name is the field name.
  if (typeof o.case === "string" && "value" in o && Object.keys(o).length === 2) {
    checkWellFormed(join(field, snake(o.case)), o.value);
    return;
  }
  for (const [k, v] of Object.entries(o)) {
    if (k === "$typeName" || k === "$unknown") continue;
    if (loneSurrogate.test(k)) throw invalid(field || "request", "has a map key that is not valid UTF-8");
    checkWellFormed(isOneofHolder(v) ? field : join(field, snake(k)), v);
  }
}

function isOneofHolder(v: unknown): boolean {
  return typeof v === "object" && v !== null && !Array.isArray(v) && "case" in v && Object.keys(v).length <= 2;
}

/** "fileEdit" → "file_edit": errors use the proto's field names. */
function snake(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

function join(field: string, name: string): string {
  return field === "" ? name : `${field}.${name}`;
}
