/** A registered listener; dispose() removes it. Works with `using`. */
export interface Subscription {
  dispose(): void;
  [Symbol.dispose](): void;
}

/**
 * A list of listeners of one event. Every listener hears every event, even when an earlier one
 * throws; the errors are thrown afterwards, never dropped.
 */
export class Listeners<T> {
  private readonly listeners = new Set<(value: T) => void>();

  /** Adds a listener until the returned subscription is disposed. */
  add(listener: (value: T) => void): Subscription {
    // A wrapper per registration, so the same function can be added twice and removed once.
    const entry = (value: T): void => listener(value);
    this.listeners.add(entry);
    const dispose = (): void => void this.listeners.delete(entry);
    return { dispose, [Symbol.dispose]: dispose };
  }

  /** Calls every listener with `value`. */
  emit(value: T): void {
    const errors: unknown[] = [];
    for (const listener of [...this.listeners]) {
      try {
        listener(value);
      } catch (error) {
        errors.push(error);
      }
    }
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new AggregateError(errors, "devtrace: several listeners failed");
  }
}
