export { Spool, type SpoolOptions, type SpoolStats } from "./spool.js";
export { SpoolError, type SpoolErrorCode } from "./spool-error.js";
export type { SpoolUsage } from "./spool-bound.js";
export type { RecoveryReport } from "./spool-recovery.js";
export type { SeqRange } from "./segment-scan.js";
export type { LostRange } from "./seq-tracker.js";
