/**
 * Bounds on connections, so that no client, silent or slow or gone, holds a socket for
 * free. Every field has a default; tests and operators lower them.
 */
export interface ConnectionLimits {
  /** HTTP/1.1: time to receive a request's headers (a trickling client is cut). Default 10 000 ms. */
  headersTimeoutMs?: number;
  /** HTTP/1.1: time to receive a whole request. Default 60 000 ms. */
  requestTimeoutMs?: number;
  /** HTTP/2: a session with no open stream for this long is closed (GOAWAY). Default 60 000 ms. */
  sessionIdleMs?: number;
  /** HTTP/2: a PING goes to every session this often. Default 60 000 ms; 0 = never. */
  pingIntervalMs?: number;
  /** HTTP/2: a session whose PING is not answered in this long is destroyed (dead peer). Default 20 000 ms. */
  pingTimeoutMs?: number;
  /** Connections open at once; beyond it new ones are closed on accept. Default 16 384; 0 = unbounded. */
  maxConnections?: number;
}

/** ConnectionLimits with every default filled in. */
export type ResolvedConnectionLimits = Required<ConnectionLimits>;

/** Fills in the defaults of every unset field. */
export function resolveConnectionLimits(l: ConnectionLimits = {}): ResolvedConnectionLimits {
  return {
    headersTimeoutMs: l.headersTimeoutMs ?? 10_000,
    requestTimeoutMs: l.requestTimeoutMs ?? 60_000,
    sessionIdleMs: l.sessionIdleMs ?? 60_000,
    pingIntervalMs: l.pingIntervalMs ?? 60_000,
    pingTimeoutMs: l.pingTimeoutMs ?? 20_000,
    maxConnections: l.maxConnections ?? 16_384,
  };
}
