/**
 * Async cleanups run in reverse order of registration, every one of them even when an
 * earlier one throws; the first error is rethrown with the others attached as its cause.
 * (AsyncDisposableStack is not in Node 20.)
 */
export class DisposeStack {
  private readonly cleanups: Array<{ name: string; fn: () => Promise<void> | void }> = [];

  /** Registers a cleanup; returns the value for chaining. */
  defer(name: string, fn: () => Promise<void> | void): void {
    this.cleanups.push({ name, fn });
  }

  /** Runs every cleanup once, last registered first. */
  async dispose(): Promise<void> {
    const errors: Error[] = [];
    for (const { name, fn } of this.cleanups.splice(0).reverse()) {
      try {
        await fn();
      } catch (err) {
        errors.push(new Error(`closing ${name} failed`, { cause: err }));
      }
    }
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new AggregateError(errors, "closing the agent failed");
  }
}
