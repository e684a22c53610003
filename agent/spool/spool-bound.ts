import type { Logger } from "pino";
import { SpoolError } from "./spool-error.js";

/** Disk use of the spool against its bound. */
export interface SpoolUsage {
  /** Bytes the journal occupies on disk. */
  bytes: number;
  /** The bound; appends beyond it are refused. */
  limitBytes: number;
  /** True while appends are being refused at the bound. */
  full: boolean;
}

/** Options of new SpoolBound(). */
export interface SpoolBoundOptions {
  maxBytes: number;
  warnRatio: number;
  onWarning?: (usage: SpoolUsage) => void;
  log: Logger;
}

/**
 * The disk bound: warns once when use crosses warnRatio (again after it fell below),
 * and refuses, with a clear error, any append that would pass maxBytes.
 */
export class SpoolBound {
  private warned = false;
  private refusing = false;

  constructor(private readonly options: SpoolBoundOptions) {}

  /** True while appends are refused (since the last refusal, until one fits again). */
  get full(): boolean {
    return this.refusing;
  }

  /** The bound in bytes. */
  get maxBytes(): number {
    return this.options.maxBytes;
  }

  /** True when `need` more bytes fit (no side effect). */
  fits(bytes: number, need: number): boolean {
    return bytes + need <= this.options.maxBytes;
  }

  /** Undefined when `need` more bytes fit; else the error to reject the append with. */
  admit(bytes: number, need: number): SpoolError | undefined {
    if (bytes + need <= this.options.maxBytes) {
      this.refusing = false;
      return undefined;
    }
    const message = `the spool is full (${mib(bytes)} of ${mib(this.options.maxBytes)} MiB hold events the server has not acknowledged): new events are refused until the uplink drains it`;
    if (!this.refusing) this.options.log.error({ bytes, maxBytes: this.options.maxBytes }, message);
    this.refusing = true;
    return new SpoolError("full", message);
  }

  /** Warns when `bytes` crossed the warning share upward. */
  check(bytes: number): void {
    const over = bytes >= this.options.warnRatio * this.options.maxBytes;
    // Drained below the warning share: no longer full, even before the next append proves it.
    if (!over) this.refusing = false;
    if (over && !this.warned) {
      const usage = this.usage(bytes);
      this.options.log.warn(usage, `the spool holds ${mib(bytes)} of its ${mib(this.options.maxBytes)} MiB bound: at the bound new events are refused`);
      this.options.onWarning?.(usage);
    }
    this.warned = over;
  }

  /** Usage for status. */
  usage(bytes: number): SpoolUsage {
    return { bytes, limitBytes: this.options.maxBytes, full: this.refusing || bytes >= this.options.maxBytes };
  }
}

function mib(n: number): string {
  return (n / 1024 / 1024).toFixed(1);
}
