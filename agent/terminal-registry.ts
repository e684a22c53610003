import type { LocalConnection } from "./local/local-server.js";
import type { LocalResponse } from "./local/local-protocol.js";

/** A recorded shell attached to the agent. */
export interface AttachedTerminal {
  sessionId: string;
  shell: string;
  pid: number;
  since: Date;
}

/** The recorded shells connected right now; a shell leaves when its connection closes. */
export class TerminalRegistry {
  private readonly terminals = new Map<number, { terminal: AttachedTerminal; connection: LocalConnection }>();

  /** Registers the shell on this connection until the connection closes. */
  attach(connection: LocalConnection, terminal: AttachedTerminal): void {
    if (!this.terminals.has(connection.id)) connection.onClose(() => this.terminals.delete(connection.id));
    this.terminals.set(connection.id, { terminal, connection });
  }

  /** The attached shells, oldest first. */
  list(): AttachedTerminal[] {
    return [...this.terminals.values()].map((t) => t.terminal).sort((a, b) => a.since.getTime() - b.since.getTime());
  }

  /** Sends a notice line to every attached shell (printed there for the user). */
  broadcast(notice: LocalResponse): void {
    for (const { connection } of this.terminals.values()) connection.send(notice);
  }
}
