import type { Logger } from "pino";
import type { Event } from "../gen/devtrace/v1/event_pb.js";
import type { AgentRedactor } from "./agent-redactor.js";
import type { UplinkSpool } from "./uplink/uplink.js";
import type { Baseline } from "./watch/baseline.js";

/** Disk use of the spool, for status and the warning before its bound. */
export interface SpoolUsage {
  /** Bytes the journal occupies on disk. */
  bytes: number;
  /** The bound; appends beyond it are refused. */
  limitBytes: number;
  /** True while appends are refused at the bound. */
  full: boolean;
}

/** The durable journal as the agent uses it (agent/spool/ behind an adapter). */
export interface AgentSpool extends UplinkSpool {
  /** Appends durably (fsync'd) and returns the seq assigned; rejects beyond the disk bound. */
  append(event: Event): Promise<bigint>;
  usage(): SpoolUsage;
  /** Every durable event with seq ≥ fromSeq still held (acknowledged ones are trimmed). */
  readFrom(fromSeq: bigint): AsyncGenerator<Event>;
  /** Counters; lostEvents are seqs that damage found at open made unrecoverable plus refusedEvents, refused at the bound. */
  stats(): { lostEvents: bigint; refusedEvents: bigint };
  close(): Promise<void>;
}

/** The git watcher and the file watcher as one thing the agent flushes and closes. */
export interface AgentWatcher {
  /** Emits every change observed so far. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** Factories for the parts other modules build; one place to swap them in tests. */
export interface AgentParts {
  openSpool(dir: string, logger: Logger): Promise<AgentSpool>;
  createRedactor(logger: Logger): Promise<AgentRedactor>;
  startWatchers(options: { root: string; exclude: string[]; onEvent: (event: Event) => void; logger: Logger; baseline?: Baseline }): Promise<AgentWatcher>;
}
