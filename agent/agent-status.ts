import type { AgentRuntime } from "./agent.js";

/** The state `devtrace status` prints, as JSON over the local socket (bigints as strings). */
export interface AgentStatusReport {
  repo: string;
  pid: number;
  /** The local socket, for editor plugins. */
  socket: string;
  startedAt: string;
  traceId?: string;
  serverUrl: string;
  task: { description: string; baseCommit: string; testCommand: string; testImage: string };
  connection: { state: string; lastError?: string; retryInMs?: number; reconnects: number };
  events: { recorded: string; acked: string; queued: string };
  /** lostEvents: damaged on disk plus refusedEvents (refused at the bound, each run recorded as a record_lost). */
  spool: { bytes: number; limitBytes: number; full: boolean; lostEvents: string; refusedEvents: string };
  terminals: Array<{ sessionId: string; shell: string; pid: number; since: string }>;
  finalizing: boolean;
}

/** What the agent is doing right now. */
export function agentStatus(agent: AgentRuntime): AgentStatusReport {
  const { options, spool, uplink } = agent;
  const file = agent.registration.current;
  const conn = uplink.snapshot();
  const recorded = spool.lastSeq();
  const acked = spool.ackedSeq();
  return {
    repo: options.location.repo.root,
    pid: process.pid,
    socket: options.location.state.socket,
    startedAt: agent.startedAt.toISOString(),
    traceId: file.traceId,
    serverUrl: agent.serverUrl,
    task: { description: file.task.description, baseCommit: file.task.baseCommit, testCommand: file.task.testCommand, testImage: file.task.testImage },
    connection: {
      state: conn.state,
      lastError: conn.lastError,
      retryInMs: conn.retryAt ? Math.max(0, conn.retryAt - Date.now()) : undefined,
      reconnects: conn.reconnects,
    },
    events: { recorded: String(recorded), acked: String(acked), queued: String(recorded - acked) },
    spool: { ...spool.usage(), lostEvents: String(spool.stats().lostEvents), refusedEvents: String(spool.stats().refusedEvents) },
    terminals: agent.terminals.list().map((t) => ({ ...t, since: t.since.toISOString() })),
    finalizing: agent.finalizing,
  };
}
