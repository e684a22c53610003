import { Code, ConnectError } from "@connectrpc/connect";
import type { Trace } from "../../gen/devtrace/v1/trace_pb.js";
import type { Role } from "../store/store.js";
import type { Principal } from "./principal.js";

/** PERMISSION_DENIED unless the caller's role is one of `roles`. */
export function requireRole(p: Principal, roles: readonly Role[], action: string): void {
  if (roles.includes(p.role)) return;
  throw new ConnectError(
    `${action} needs a token with role ${roles.join(" or ")}; this token has role ${p.role}`,
    Code.PermissionDenied,
  );
}

/** True when the trace was recorded under the caller's developer id (ingest tokens' name). */
export function ownsTrace(p: Principal, trace: Trace): boolean {
  return p.role === "ingest" && trace.developer?.id === p.name;
}

/** Read access: read and admin see every trace; ingest only its own. */
export function requireReadAccess(p: Principal, trace: Trace, action: string): void {
  if (p.role === "read" || p.role === "admin" || ownsTrace(p, trace)) return;
  throw new ConnectError(`${action}: an ingest token reads only its own traces`, Code.PermissionDenied);
}

/** Write access (events, finalize): admin, or the ingest token that owns the trace. */
export function requireWriteAccess(p: Principal, trace: Trace, action: string): void {
  requireRole(p, ["ingest", "admin"], action);
  if (p.role === "admin" || ownsTrace(p, trace)) return;
  throw new ConnectError(`${action}: trace ${trace.id} belongs to another developer`, Code.PermissionDenied);
}

/** DeleteTrace: admin, or the trace's own developer. */
export function requireDeleteAccess(p: Principal, trace: Trace): void {
  if (p.role === "admin" || ownsTrace(p, trace)) return;
  throw new ConnectError(
    "DeleteTrace needs an admin token or the ingest token of the trace's developer",
    Code.PermissionDenied,
  );
}
