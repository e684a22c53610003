import type * as http2 from "node:http2";
import { Http2SessionManager } from "@connectrpc/connect-node";

/**
 * An Http2SessionManager whose HTTP/2 sessions always have an 'error' listener.
 *
 * connect-node detaches its own listeners when it leaves a connection (an abort, a new
 * connection after a failed stream), but a session destroyed by a PING timeout still emits
 * its 'error' later, when the socket closes. With no listener left that event ends the
 * process (`Unhandled 'error' event … PING timed out`, seen with a server frozen by
 * SIGSTOP). The failure itself already reached the caller through the failed stream, so
 * this listener only reports it to `onSessionError` and keeps the process alive.
 */
export class GuardedSessionManager extends Http2SessionManager {
  private readonly guarded = new WeakSet<http2.Http2Session>();

  constructor(
    url: URL | string,
    pingOptions: ConstructorParameters<typeof Http2SessionManager>[1],
    http2SessionOptions: ConstructorParameters<typeof Http2SessionManager>[2],
    private readonly onSessionError: (err: Error) => void = () => {},
  ) {
    super(url, pingOptions, http2SessionOptions);
  }

  /** Issues the request as the base class does, and guards the session it ran on. */
  override async request(...args: Parameters<Http2SessionManager["request"]>): Promise<http2.ClientHttp2Stream> {
    const stream = await super.request(...args);
    const session = stream.session;
    if (session && !this.guarded.has(session)) {
      this.guarded.add(session);
      session.on("error", (err: Error) => this.onSessionError(err));
    }
    return stream;
  }
}
