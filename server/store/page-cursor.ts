import { StoreError } from "./store-error.js";

/** Where a ListTraces page ended: the last trace's creation time and id. */
export interface CursorPosition {
  createdAtMs: number;
  id: string;
}

// A version tag inside the cursor lets a later release change the layout and still
// recognise (and reject precisely) cursors handed out by this one.
const tag = "c1";

/** Encodes a page position as an opaque base64url token. */
export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify([tag, position.createdAtMs, position.id]), "utf8").toString("base64url");
}

/** Decodes a token from encodeCursor; anything else throws StoreError "invalid_cursor". */
export function decodeCursor(cursor: string): CursorPosition {
  const invalid = (cause?: unknown) => new StoreError("invalid_cursor", "page token is not one this server issued", { cause });
  if (!/^[A-Za-z0-9_-]{1,2048}$/.test(cursor)) throw invalid();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch (cause) {
    throw invalid(cause);
  }
  if (!Array.isArray(parsed) || parsed.length !== 3) throw invalid();
  const [t, ms, id] = parsed as unknown[];
  if (t !== tag || typeof ms !== "number" || !Number.isSafeInteger(ms) || typeof id !== "string" || id === "") {
    throw invalid();
  }
  return { createdAtMs: ms, id };
}
