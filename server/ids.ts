import { randomBytes } from "node:crypto";

/**
 * A UUIDv7 (RFC 9562): 48-bit Unix milliseconds first, so ids sort by creation time
 * and ListTraces' (created_at, id) order is stable for traces made in the same millisecond.
 */
export function newTraceId(now: Date = new Date()): string {
  const b = randomBytes(16);
  const ms = BigInt(now.getTime());
  for (let i = 0; i < 6; i++) b[i] = Number((ms >> BigInt(8 * (5 - i))) & 0xffn);
  b[6] = 0x70 | (b[6] & 0x0f);
  b[8] = 0x80 | (b[8] & 0x3f);
  const h = b.toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Kinds of secrets the server hands out; the prefix lets secret scanners and humans tell them apart. */
export type SecretKind = "api" | "upload";

/** A fresh 256-bit secret, e.g. "dtk_…" (API token) or "dtu_…" (upload token). */
export function newSecret(kind: SecretKind): string {
  return `${kind === "api" ? "dtk" : "dtu"}_${randomBytes(32).toString("base64url")}`;
}
