import { secretLintProfiler } from "@secretlint/profiler";

/**
 * Switches secretlint's built-in profiler off for this process.
 *
 * @secretlint/core marks every lintSource() call (~56 performance marks) on a profiler
 * that is always on in Node: it keeps every mark in an array and in the global
 * performance timeline, and scans that array on each mark. In a long-lived agent each
 * call gets slower and memory grows without bound (measured: 0.15 ms per call at
 * first, 10 ms after 1 000 calls, 129 ms after 3 000; see secretlint issue #1633 for
 * the overhead). The profiler is only read by the secretlint CLI's --profile flag.
 *
 * package.json pins @secretlint/profiler to the version @secretlint/core uses, so both
 * share this one instance; a unit test checks that no mark reaches the timeline.
 */
export function disableSecretlintProfiler(): void {
  secretLintProfiler.mark = () => {};
}
