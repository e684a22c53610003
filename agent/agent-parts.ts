import type { AgentParts } from "./agent-ports.js";
import { startAgentWatchers } from "./agent-watchers.js";
import { createAgentRedactor } from "./agent-redactor.js";
import { Spool } from "./spool/index.js";

/** Options of defaultAgentParts(). */
export interface AgentPartsOptions {
  /** The user's home directory (written as "~" by the redactor). */
  home: string;
  /** The spool's disk bound in bytes. Default 1 GiB. */
  spoolLimitBytes?: number;
}

/** The real parts: the durable journal (agent/spool/), the secret redactor (redact/) and the file and git watchers (agent/watch/). */
export function defaultAgentParts(options: AgentPartsOptions): AgentParts {
  return {
    openSpool: (dir, logger) => Spool.open({ dir, logger, maxBytes: options.spoolLimitBytes }),
    createRedactor: (logger) => createAgentRedactor(options.home, logger),
    startWatchers: (o) => startAgentWatchers(o),
  };
}
