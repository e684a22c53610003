import type { AgentParts } from "./agent-ports.js";
import { startAgentWatchers } from "./agent-watchers.js";
import { createEventRedactor } from "./agent-redactor.js";
import { SqliteJournal } from "./journal/sqlite-journal.js";

/** Options of defaultAgentParts(). */
export interface AgentPartsOptions {
  /** The user's home directory (written as "~" by the redactor). */
  home: string;
  /** The spool's disk bound in bytes. Default 1 GiB. */
  spoolLimitBytes?: number;
}

/**
 * The real parts: the durable journal, the secret redactor (agent/redact/) and the file and
 * git watchers (agent/watch/).
 *
 * GAP: agent/spool/ (the team's journal) had not landed when this was written; the spool
 * is SqliteJournal (agent/journal/) behind the AgentSpool interface until it does — swapping
 * is this one line.
 */
export function defaultAgentParts(options: AgentPartsOptions): AgentParts {
  return {
    openSpool: (dir) => SqliteJournal.open({ dir, limitBytes: options.spoolLimitBytes }),
    createRedactor: (logger) => createEventRedactor(options.home, logger),
    startWatchers: (o) => startAgentWatchers(o),
  };
}
