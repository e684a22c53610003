/** Conditions a spool caller must tell apart. */
export type SpoolErrorCode =
  /** The disk bound is reached: the event was not stored (never silently dropped). */
  | "full"
  /** One event is larger than the spool accepts (the server's 1 MiB limit). */
  | "too_large"
  /** Another live process holds the spool directory. */
  | "locked"
  /** The spool was closed. */
  | "closed"
  /** A write or fsync failed: nothing more is accepted until the spool is reopened. */
  | "broken"
  /** Asked for events that were already trimmed after an ack. */
  | "trimmed"
  /** A record read back does not match its checksum. */
  | "corrupt";

/** A spool-level failure with a code (the agent maps it to a user-facing message). */
export class SpoolError extends Error {
  constructor(
    readonly code: SpoolErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "SpoolError";
  }
}
