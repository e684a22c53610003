/**
 * Wakes WatchTrace handlers when this process changes a trace (FinalizeTrace, DeleteTrace)
 * so they need not wait for the next poll. QA running in other processes is seen by polling.
 */
export class TraceChanges {
  private readonly waiters = new Map<string, Set<() => void>>();

  /** Wakes every watcher of the trace. */
  notify(traceId: string): void {
    const set = this.waiters.get(traceId);
    if (!set) return;
    this.waiters.delete(traceId);
    for (const wake of set) wake();
  }

  /** Resolves on notify(traceId), after `ms`, or when `signal` aborts, whichever comes first. */
  wait(traceId: string, ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      let set = this.waiters.get(traceId);
      if (!set) this.waiters.set(traceId, (set = new Set()));
      const wake = () => {
        clearTimeout(timer);
        signal.removeEventListener("abort", wake);
        this.waiters.get(traceId)?.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      signal.addEventListener("abort", wake, { once: true });
      set.add(wake);
      if (signal.aborted) wake();
    });
  }
}
