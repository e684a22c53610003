import type { BoundedOutput } from "./bounded-text.js";

/** One run of a task's test command over a prepared tree. */
export interface TestRunSpec {
  traceId: string;
  /** "before" (base commit) or "after" (patched tree): shows in logs and container labels. */
  phase: "before" | "after";
  image: string;
  /** Shell command run with `sh -c` in the repository root. */
  command: string;
  /** Host directory whose content becomes the repository inside the container. */
  treeDir: string;
  /** Aborts the run (lease lost, shutdown): the container is killed and removed. */
  signal?: AbortSignal;
}

/** What came back from the container, before any parsing. */
export interface RawTestRun {
  containerId: string;
  /** Exit status; -1 when killed at the timeout. */
  exitCode: number;
  timedOut: boolean;
  /** The kernel killed the command for exceeding the memory limit. */
  oomKilled: boolean;
  durationMs: number;
  stdout: BoundedOutput;
  stderr: BoundedOutput;
  /** JUnit XML documents the command left in $DEVTRACE_REPORT_DIR (pytest's is written there by default). */
  junitReports: string[];
}

/** Runs a test command in isolation. One implementation per engine (DockerTestRunner). */
export interface TestRunner {
  run(spec: TestRunSpec): Promise<RawTestRun>;
}
