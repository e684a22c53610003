import { Code, ConnectError } from "@connectrpc/connect";

/** A sentence for the user from whatever an RPC threw. */
export function rpcErrorText(err: unknown): string {
  const e = ConnectError.from(err);
  switch (e.code) {
    case Code.Unauthenticated:
      return "The server does not accept this token. Sign out and sign in with a valid one.";
    case Code.PermissionDenied:
      return `This token may not do that: ${e.rawMessage}`;
    case Code.NotFound:
      return `Not found: ${e.rawMessage}`;
    case Code.InvalidArgument:
      return `The server rejected the request: ${e.rawMessage}`;
    case Code.Unavailable:
      return `The server is unavailable: ${e.rawMessage}`;
    default:
      return `${Code[e.code] ?? "error"}: ${e.rawMessage}`;
  }
}

/** True for errors that a signed-out token causes. */
export function isUnauthenticated(err: unknown): boolean {
  return ConnectError.from(err).code === Code.Unauthenticated;
}
