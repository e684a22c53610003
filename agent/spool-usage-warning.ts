import type { SpoolUsage } from "./agent-ports.js";

/** Shares of the bound at which the user is warned, once each while rising. */
const thresholds = [0.8, 0.9, 0.95];

/**
 * Decides when the spool's disk use deserves a warning: once when it crosses 80 %, 90 %
 * and 95 % of its bound; re-armed when the uplink drains it below 70 %.
 */
export class SpoolUsageWarning {
  private warned = 0;

  /** The warning text to show now, or undefined. */
  check(usage: SpoolUsage): string | undefined {
    const share = usage.limitBytes > 0 ? usage.bytes / usage.limitBytes : 0;
    if (share < 0.7) this.warned = 0;
    const due = thresholds.filter((t) => share >= t).length;
    if (due <= this.warned) return undefined;
    this.warned = due;
    const mib = (n: number) => (n / 1024 / 1024).toFixed(1);
    return `the spool holds ${mib(usage.bytes)} MiB of its ${mib(usage.limitBytes)} MiB bound (${Math.floor(share * 100)} %): the server has not acknowledged events for a while; at the bound new events are refused`;
  }
}
