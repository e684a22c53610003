import { Code, ConnectError } from "@connectrpc/connect";
import { StoreError } from "../store/store-error.js";
import type { StoreErrorCode } from "../store/store-error.js";

const codes: Record<StoreErrorCode, Code> = {
  not_found: Code.NotFound,
  sealed: Code.FailedPrecondition,
  invalid_cursor: Code.InvalidArgument,
  conflict: Code.Aborted,
  unavailable: Code.Unavailable,
};

/**
 * The one place where lower-layer errors become RPC statuses: ConnectErrors pass,
 * StoreErrors map by code, anything else is an INTERNAL error whose details stay in
 * the server log (the client sees no stack or SQL).
 */
export function toConnectError(err: unknown): ConnectError {
  if (err instanceof ConnectError) return undecodable(err) ?? err;
  if (err instanceof StoreError) {
    const message = err.code === "invalid_cursor" ? `page_token: ${err.message}` : err.message;
    return new ConnectError(message, codes[err.code], undefined, undefined, err);
  }
  return new ConnectError("internal error", Code.Internal, undefined, undefined, err);
}

// connect-es reports a request protobuf-es could not decode (invalid UTF-8 in a string,
// a truncated field) as INTERNAL "parse binary: …"; it is the client's bytes that are bad.
function undecodable(err: ConnectError): ConnectError | undefined {
  if (err.code !== Code.Internal || !err.rawMessage.startsWith("parse binary: ")) return undefined;
  const why = err.rawMessage.slice("parse binary: ".length);
  const utf8 = /utf-?8/i.test(why);
  return new ConnectError(
    utf8 ? `request: a string field is not valid UTF-8 (${why})` : `request: not a valid protobuf message (${why})`,
    Code.InvalidArgument,
    undefined,
    undefined,
    err,
  );
}
