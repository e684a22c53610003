import { Code, ConnectError } from "@connectrpc/connect";

/**
 * Graceful shutdown bookkeeping: counts calls in flight and tells long-lived handlers
 * (StreamEvents, WatchTrace, ExportTraces, Health.Watch) to wrap up. A stream finishes
 * the batch it is writing and acks it before it ends.
 */
export class Drain {
  private readonly controller = new AbortController();
  private active = 0;
  private waiters: Array<() => void> = [];

  /** Aborts when shutdown begins. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** True once shutdown began: new calls are refused with UNAVAILABLE. */
  get draining(): boolean {
    return this.controller.signal.aborted;
  }

  /** Calls in flight now. */
  get inFlight(): number {
    return this.active;
  }

  /** The error calls get while the server shuts down; clients retry elsewhere or later. */
  shuttingDown(): ConnectError {
    return new ConnectError("server is shutting down; reconnect and resume", Code.Unavailable);
  }

  /** Counts a call in flight until `done` aborts (connect aborts a call's signal when it ends). */
  track(done: AbortSignal): void {
    this.active++;
    const leave = () => {
      this.active--;
      if (this.active === 0) for (const w of this.waiters.splice(0)) w();
    };
    if (done.aborted) leave();
    else done.addEventListener("abort", leave, { once: true });
  }

  /** Starts shutdown: long-lived handlers see `signal` abort. */
  begin(): void {
    this.controller.abort(this.shuttingDown());
  }

  /** Resolves true when no call is in flight, false when `timeoutMs` passed first. */
  idle(timeoutMs: number): Promise<boolean> {
    if (this.active === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== done);
        resolve(false);
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.waiters.push(done);
    });
  }
}
