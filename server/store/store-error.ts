/** Conditions a store caller must tell apart; the RPC edge maps each to a gRPC code. */
export type StoreErrorCode = "not_found" | "sealed" | "invalid_cursor" | "conflict" | "unavailable";

/** A store-level failure with a code the service edge can map (see rpc/). */
export class StoreError extends Error {
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "StoreError";
  }
}
