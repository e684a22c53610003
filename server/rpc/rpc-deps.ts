import type { Logger } from "pino";
import type { Drain } from "../drain.js";
import type { ServerMetrics } from "../metrics.js";
import type { ServerRedaction } from "../redact/server-redaction.js";
import type { RepoPolicy } from "../qa/repo-policy.js";
import type { TraceStore } from "../store/store.js";
import type { TraceChanges } from "./trace-changes.js";

/** What the TraceService handlers share. */
export interface RpcDeps {
  /** The store, already wrapped by guardStore(). */
  store: TraceStore;
  logger: Logger;
  metrics: ServerMetrics;
  drain: Drain;
  /** In-process wake-ups for WatchTrace (QA in another process is seen by polling). */
  changes: TraceChanges;
  /** Wall clock for created_at / sealed_at. */
  now: () => Date;
  /** How often WatchTrace polls the store. */
  watchPollMs: number;
  /** Applies the redaction rules to everything a client sends, before it is stored. */
  redaction: ServerRedaction;
  /** Told when FinalizeTrace queued QA (wakes in-process QA workers). */
  onSealed: (traceId: string) => void;
  /** What CreateTrace accepts as repo_url (QA checks again at clone time). */
  repoPolicy: RepoPolicy;
}
