import { Code, ConnectError } from "@connectrpc/connect";
import { requireWriteAccess } from "../auth/access.js";
import type { Principal } from "../auth/principal.js";
import { tokenMatchesHash } from "../auth/token-hash.js";
import type { StoredTrace } from "../store/store.js";
import type { RpcDeps } from "./rpc-deps.js";

/** The stored trace, or NOT_FOUND. */
export async function loadTrace(deps: RpcDeps, traceId: string): Promise<StoredTrace> {
  const stored = await deps.store.getTrace(traceId);
  if (!stored) throw new ConnectError(`trace ${traceId} not found`, Code.NotFound);
  return stored;
}

/**
 * The trace a caller wants to write to: it must exist, the upload token must be this
 * trace's (compared as hashes in constant time), and the bearer token must own it.
 */
export async function loadWritableTrace(
  deps: RpcDeps,
  p: Principal,
  traceId: string,
  uploadToken: string,
  action: string,
): Promise<StoredTrace> {
  const stored = await loadTrace(deps, traceId);
  if (!tokenMatchesHash(uploadToken, stored.uploadTokenHash)) {
    throw new ConnectError(`${action}: upload_token is not the upload token of trace ${traceId}`, Code.PermissionDenied);
  }
  requireWriteAccess(p, stored.trace, action);
  return stored;
}
