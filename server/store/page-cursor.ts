import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { create, toBinary } from "@bufbuild/protobuf";
import { TraceFilterSchema } from "../../gen/devtrace/v1/trace_service_pb.js";
import type { TraceFilter } from "../../gen/devtrace/v1/trace_service_pb.js";
import { StoreError } from "./store-error.js";

/** Where a ListTraces page ended: the last trace's creation time and id. */
export interface CursorPosition {
  createdAtMs: number;
  id: string;
}

// A version tag inside the cursor lets a later release change the layout and still
// recognise (and reject precisely) cursors handed out by this one.
const tag = "c2";
const macBytes = 16;

// Cursors are signed with a key this process draws at start: a forged or altered cursor is
// refused instead of steering the query (SQLite and MongoDB read a forged position
// differently). A cursor does not survive a server restart; the client starts the listing over.
const processKey = randomBytes(32);

/** A short digest of the filter a cursor was issued for (unset filter = empty filter). */
function filterDigest(filter: TraceFilter | undefined): string {
  const bytes = toBinary(TraceFilterSchema, filter ?? create(TraceFilterSchema));
  return createHash("sha256").update(bytes).digest("base64url").slice(0, 16);
}

function mac(payload: string, key: Buffer): Buffer {
  return createHmac("sha256", key).update(payload).digest().subarray(0, macBytes);
}

/** Encodes a page position, bound to the filter it pages, as an opaque signed base64url token. */
export function encodeCursor(position: CursorPosition, filter: TraceFilter | undefined, key: Buffer = processKey): string {
  const payload = Buffer.from(JSON.stringify([tag, position.createdAtMs, position.id, filterDigest(filter)]), "utf8").toString("base64url");
  return `${payload}.${mac(payload, key).toString("base64url")}`;
}

/**
 * Decodes a token from encodeCursor for the same filter; a token that was altered, forged,
 * issued by another server process, or issued for another filter throws StoreError
 * "invalid_cursor" saying which.
 */
export function decodeCursor(cursor: string, filter: TraceFilter | undefined, key: Buffer = processKey): CursorPosition {
  const invalid = (why: string, cause?: unknown) => new StoreError("invalid_cursor", why, { cause });
  const notOurs = "page token is not one this server issued (altered, forged, or from before a restart); list again from the first page";
  const m = /^([A-Za-z0-9_-]{1,2048})\.([A-Za-z0-9_-]{22})$/.exec(cursor);
  if (m === null) throw invalid(notOurs);
  const [, payload, sig] = m;
  const given = Buffer.from(sig, "base64url");
  // Canonical form only: the last base64 digit carries 2 spare bits a forger could flip.
  if (given.length !== macBytes || given.toString("base64url") !== sig || !timingSafeEqual(given, mac(payload, key))) throw invalid(notOurs);
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
  } catch (cause) {
    throw invalid(notOurs, cause);
  }
  if (!Array.isArray(parsed) || parsed.length !== 4) throw invalid(notOurs);
  const [t, ms, id, digest] = parsed as unknown[];
  if (t !== tag || typeof ms !== "number" || !Number.isSafeInteger(ms) || typeof id !== "string" || id === "") {
    throw invalid(notOurs);
  }
  if (digest !== filterDigest(filter)) {
    throw invalid("page token was issued for another filter; send the same filter with it, or start from the first page");
  }
  return { createdAtMs: ms, id };
}
