import { MongoError, MongoNetworkError, MongoServerSelectionError } from "mongodb";
import { StoreError } from "./store-error.js";

/** True for E11000: a unique index (or _id) already holds the key. */
export function isDuplicateKey(error: unknown): boolean {
  return error instanceof MongoError && error.code === 11000;
}

const socketErrors = new Set(["EPIPE", "ECONNRESET", "ECONNREFUSED", "ECONNABORTED", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH"]);

// Errors after which the same call may well succeed once MongoDB is back: the caller
// (an agent's uplink) should resend, so they become StoreError "unavailable".
function isTransient(error: unknown): boolean {
  if (error instanceof MongoNetworkError || error instanceof MongoServerSelectionError) return true;
  // The driver lets a write on a socket the server just closed surface as the raw
  // Node error (EPIPE, "This socket has been ended by the other party").
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string" && socketErrors.has(code)) return true;
  if (!(error instanceof MongoError)) return false;
  return (
    error.name === "MongoTopologyClosedError" ||
    error.name === "MongoNotConnectedError" ||
    error.name === "MongoWriteConcernError" ||
    error.hasErrorLabel("RetryableWriteError") ||
    error.hasErrorLabel("TransientTransactionError")
  );
}

/** Maps a driver error to StoreError "unavailable" when retrying later can help; else returns it. */
export function fromMongoError(error: unknown, what: string): unknown {
  if (error instanceof StoreError) return error;
  if (isTransient(error)) return new StoreError("unavailable", `MongoDB unavailable during ${what}`, { cause: error });
  return error;
}

/** Masks the password of a MongoDB connection string for logs and error messages. */
export function maskMongoUrl(url: string): string {
  return url.replace(/^(mongodb(?:\+srv)?:\/\/)([^@/]*)@/, (_m, scheme: string, auth: string) => {
    const colon = auth.indexOf(":");
    return `${scheme}${colon < 0 ? auth : `${auth.slice(0, colon)}:****`}@`;
  });
}
