import type { Event } from "../../gen/devtrace/v1/event_pb.js";
import type { LedgerChange } from "./file-ledger.js";
import { textDiff } from "./unified-diff.js";
import { watchEvent } from "./watch-event.js";

/** Limits applied when a change becomes an event. */
export interface ChangeEventOptions {
  sessionId: string;
  /** A diff larger than this (UTF-8 bytes) is left out of the event; hashes and counts stay. */
  maxDiffBytes: number;
  /** Time budget of one line diff (ms) before the whole file is written as replaced. */
  diffTimeoutMs: number;
  /** The change happened while no agent watched (found at start). Default false. */
  away?: boolean;
}

/** The Event for one ledger change, and whether its diff had to be left out for size. */
export function changeEvent(change: LedgerChange, options: ChangeEventOptions): { event: Event; diffOmitted: boolean } {
  const { sessionId } = options;
  switch (change.type) {
    case "edit": {
      const d = textDiff(change.path, change.before.content, change.after.content, { timeoutMs: options.diffTimeoutMs });
      const [unifiedDiff, diffOmitted] = bounded(d.diff, options.maxDiffBytes);
      // A diff too slow, or too large for the event, is flagged, never silently empty.
      const value = {
        path: change.path,
        unifiedDiff,
        beforeSha256: change.before.sha256,
        afterSha256: change.after.sha256,
        linesAdded: d.linesAdded,
        linesRemoved: d.linesRemoved,
        recordedWhileAway: options.away ?? false,
        wholeFile: d.wholeFile || diffOmitted,
      };
      return { event: watchEvent(sessionId, { case: "fileEdit", value }), diffOmitted };
    }
    case "created": {
      const mode = change.after.executable ? "100755" : "100644";
      const d = textDiff(change.path, null, change.after.content, { mode, timeoutMs: options.diffTimeoutMs });
      const [unifiedDiff, diffOmitted] = bounded(d.diff, options.maxDiffBytes);
      const value = { path: change.path, sha256: change.after.sha256, sizeBytes: BigInt(change.after.size), unifiedDiff, recordedWhileAway: options.away ?? false };
      return { event: watchEvent(sessionId, { case: "fileCreated", value }), diffOmitted };
    }
    case "deleted": {
      const value = { path: change.path, beforeSha256: change.sha256, recordedWhileAway: options.away ?? false };
      return { event: watchEvent(sessionId, { case: "fileDeleted", value }), diffOmitted: false };
    }
    case "renamed": {
      const value = { oldPath: change.from, newPath: change.to, sha256: change.sha256 };
      return { event: watchEvent(sessionId, { case: "fileRenamed", value }), diffOmitted: false };
    }
  }
}

/** An event is at most 1 MiB on the wire: a diff that would not fit is left out whole (and flagged), never cut. */
function bounded(diff: string, maxBytes: number): [string, boolean] {
  return Buffer.byteLength(diff, "utf8") > maxBytes ? ["", true] : [diff, false];
}
