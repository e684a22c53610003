/** A wake-up call many waiters can sleep on; notify() wakes them all. */
export class Signal {
  private waiters = new Set<() => void>();

  /** Wakes every current waiter. */
  notify(): void {
    const waiters = this.waiters;
    this.waiters = new Set();
    for (const wake of waiters) wake();
  }

  /**
   * Sleeps until notified (and `until` holds, when given) or `timeoutMs` passes.
   * `until` is checked first, so a condition that already holds returns at once.
   */
  async wait(timeoutMs: number, until?: () => boolean): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!until?.()) {
      const left = deadline - Date.now();
      if (left <= 0) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, left);
        function done(): void {
          clearTimeout(timer);
          resolve();
        }
        this.waiters.add(done);
      });
      if (!until) return;
    }
  }
}
