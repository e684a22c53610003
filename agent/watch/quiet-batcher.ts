/** Options of QuietBatcher. */
export interface QuietBatcherOptions {
  /** Run once no item has been added for this long (ms). */
  quietMs: number;
  /** Run at the latest this long (ms) after the first item of a batch, however busy it stays. */
  maxWaitMs: number;
  /** Handles one batch; batches never overlap. */
  run: (items: Set<string>) => Promise<void>;
  /** Receives what `run` threw; the batcher goes on with the next batch. */
  onError: (err: unknown) => void;
}

/**
 * Collects keys (paths) and hands them over in batches once activity pauses: many saves of a
 * file within `quietMs` of each other become one batch, and a file written without pause is
 * still reported every `maxWaitMs`. One batch runs at a time; keys added meanwhile wait.
 */
export class QuietBatcher implements Disposable {
  private items = new Set<string>();
  private firstAt: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private closed = false;

  constructor(private readonly options: QuietBatcherOptions) {}

  /** Keys waiting for the next batch. */
  get pending(): number {
    return this.items.size;
  }

  /** Adds a key to the next batch and restarts the quiet period. */
  add(item: string): void {
    if (this.closed) return;
    this.items.add(item);
    this.firstAt ??= Date.now();
    this.arm();
  }

  /** Runs the waiting keys now (after a running batch); resolves when that batch is done. */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
    if (this.items.size > 0) await this.runBatch();
  }

  /** Stops the timer; keys added from now on are dropped. */
  [Symbol.dispose](): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(): void {
    if (this.running || this.closed || this.firstAt === undefined) return;
    clearTimeout(this.timer);
    const untilMax = this.firstAt + this.options.maxWaitMs - Date.now();
    const forced = untilMax < this.options.quietMs;
    this.timer = setTimeout(() => void this.runBatch(forced), Math.max(0, forced ? untilMax : this.options.quietMs));
  }

  /**
   * A batch forced by maxWaitMs ran while its keys were still changing, and the watcher below
   * may have dropped their last change (chokidar throttles a path's events for 50 ms), so its
   * keys are checked once more after a quiet period.
   */
  private runBatch(forced = false): Promise<void> {
    if (this.running) return this.running;
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.items;
    this.items = new Set();
    this.firstAt = undefined;
    this.running = (async () => {
      try {
        await this.options.run(batch);
        if (forced && !this.closed) {
          for (const item of batch) this.items.add(item);
          this.firstAt ??= Date.now();
        }
      } catch (err) {
        this.options.onError(err);
      } finally {
        this.running = undefined;
        if (this.items.size > 0) this.arm();
      }
    })();
    return this.running;
  }
}
