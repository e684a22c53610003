import { Code, ConnectError, createContextKey } from "@connectrpc/connect";
import type { HandlerContext } from "@connectrpc/connect";
import type { Role } from "../store/store.js";

/** Who is calling: the bearer token's role and holder, never the token itself. */
export interface Principal {
  role: Role;
  /** Token holder; for ingest tokens the developer id their traces are created under. */
  name: string;
  /** SHA-256 of the token: the key of its per-token limits. */
  tokenHash: string;
}

/** Where the request gate leaves the caller for the handlers. */
export const principalKey = createContextKey<Principal | undefined>(undefined, { description: "devtrace principal" });

/** The authenticated caller of this RPC (set by the request gate). */
export function principalOf(ctx: HandlerContext): Principal {
  const p = ctx.values.get(principalKey);
  // The gate authenticates every TraceService call; reaching here without one is a wiring bug.
  if (p === undefined) throw new ConnectError("no authenticated caller", Code.Unauthenticated);
  return p;
}
