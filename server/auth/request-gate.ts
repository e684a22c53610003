import { Code, ConnectError } from "@connectrpc/connect";
import type { HandlerContext } from "@connectrpc/connect";
import type { Drain } from "../drain.js";
import type { ServerMetrics } from "../metrics.js";
import { toConnectError } from "../rpc/to-connect-error.js";
import type { TraceStore } from "../store/store.js";
import type { PerTokenLimits } from "./per-token-limits.js";
import { principalKey } from "./principal.js";
import { hashToken } from "./token-hash.js";

/** What the gate needs. */
export interface RequestGateOptions {
  store: TraceStore;
  limits: PerTokenLimits;
  drain: Drain;
  metrics: ServerMetrics;
  /** Services callable without a token (health, reflection: they expose no trace data). */
  openServices: ReadonlySet<string>;
}

/**
 * Runs before a request body is read: refuses calls while shutting down, authenticates
 * the bearer token, applies the per-token rate and open-stream bounds, and records the
 * caller for the handlers. A refused call is never read, parsed or stored.
 */
export function createRequestGate(o: RequestGateOptions): (ctx: HandlerContext) => Promise<void> {
  return async (ctx) => {
    try {
      if (o.drain.draining) throw o.drain.shuttingDown();
      if (!o.openServices.has(ctx.service.typeName)) await authenticate(ctx, o);
      o.drain.track(ctx.signal);
    } catch (err) {
      const e = toConnectError(err);
      o.metrics.rpcs.inc({ method: ctx.method.name, code: Code[e.code] });
      throw e;
    }
  };
}

async function authenticate(ctx: HandlerContext, o: RequestGateOptions): Promise<void> {
  const token = bearerToken(ctx.requestHeader.get("authorization"));
  const tokenHash = hashToken(token);
  // The lookup is by a hash of an unguessable secret, so it leaks nothing through timing.
  const record = await o.store.findApiToken(tokenHash);
  if (!record) throw new ConnectError("unknown or revoked token", Code.Unauthenticated);
  o.limits.admitCall(tokenHash);
  if (ctx.method.methodKind !== "unary") {
    const release = o.limits.openStream(tokenHash);
    const gauge = o.metrics.openStreams.labels(ctx.method.name);
    gauge.inc();
    const done = () => {
      release();
      gauge.dec();
    };
    if (ctx.signal.aborted) done();
    else ctx.signal.addEventListener("abort", done, { once: true });
  }
  ctx.values.set(principalKey, { role: record.role, name: record.name, tokenHash });
}

function bearerToken(header: string | null): string {
  if (header === null) {
    throw new ConnectError('missing "authorization: Bearer <token>" header', Code.Unauthenticated);
  }
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!m) throw new ConnectError('authorization header must be "Bearer <token>"', Code.Unauthenticated);
  return m[1];
}
