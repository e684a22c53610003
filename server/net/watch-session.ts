import type { ServerHttp2Session } from "node:http2";
import type { Logger } from "pino";
import type { ResolvedConnectionLimits } from "./connection-limits.js";

/**
 * Keeps one HTTP/2 session honest: closed (GOAWAY) after `sessionIdleMs` without an open
 * stream — a connection that only sent the preface, or a client that stopped calling — and
 * destroyed when a keepalive PING goes unanswered for `pingTimeoutMs` — a peer that died
 * or froze with a stream open. A healthy agent's long-lived StreamEvents stream keeps its
 * session open indefinitely: it has an open stream, and its peer answers PINGs.
 */
export function watchSession(session: ServerHttp2Session, limits: ResolvedConnectionLimits, log: Logger): void {
  let open = 0;
  let idle: NodeJS.Timeout | undefined;
  let awaitingPong = false;
  const armIdle = () => {
    clearTimeout(idle);
    idle = setTimeout(() => {
      log.debug({ idleMs: limits.sessionIdleMs }, "closing an HTTP/2 session with no open stream");
      session.close();
    }, limits.sessionIdleMs);
    idle.unref();
  };
  const ping =
    limits.pingIntervalMs > 0
      ? setInterval(() => {
          if (awaitingPong || session.destroyed) return;
          awaitingPong = true;
          const deadline = setTimeout(() => {
            log.info({ pingTimeoutMs: limits.pingTimeoutMs }, "destroying an HTTP/2 session whose peer stopped answering PING");
            session.destroy();
          }, limits.pingTimeoutMs);
          deadline.unref();
          const sent = session.ping((err) => {
            clearTimeout(deadline);
            awaitingPong = false;
            if (err && !session.destroyed) log.debug({ err }, "PING failed");
          });
          if (!sent) {
            clearTimeout(deadline);
            awaitingPong = false;
          }
        }, limits.pingIntervalMs)
      : undefined;
  ping?.unref();
  armIdle();
  session.on("stream", (stream) => {
    open++;
    clearTimeout(idle);
    stream.once("close", () => {
      if (--open === 0 && !session.closed && !session.destroyed) armIdle();
    });
  });
  session.once("close", () => {
    clearTimeout(idle);
    clearInterval(ping);
  });
}
