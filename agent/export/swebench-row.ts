import type { Trace } from "../../gen/devtrace/v1/trace_pb.js";
import { maskUrl } from "../../server/qa/mask-url.js";
import { evalScript } from "./eval-script.js";
import { logParserName } from "./log-parser-name.js";
import { repoSlug } from "./repo-slug.js";
import { mergeTestPatches, patchSections, splitPatch } from "./split-patch.js";
import { createdAtIso, traceColumns, type TraceColumns } from "./trace-columns.js";

/**
 * One SWE-bench task instance (the columns of SWE-bench and of its harness's `make_test_spec`),
 * followed by devtrace's own columns.
 */
export interface SwebenchRow extends TraceColumns {
  instance_id: string;
  repo: string;
  /** The task's repository URL with any credentials masked. */
  repo_url: string;
  base_commit: string;
  /** The code part of the final patch. */
  patch: string;
  /** The test part of the final patch, plus the researcher's reference tests when the task has them. */
  test_patch: string;
  problem_statement: string;
  hints_text: string;
  /** JSON-encoded lists of test names, as SWE-bench stores them. */
  FAIL_TO_PASS: string;
  PASS_TO_PASS: string;
  created_at: string;
  /** The environment's version: the first 12 digits of the base commit (a trace has no release). */
  version: string;
  environment_setup_commit: string;
  /** The image the tests run in (without the repository: the harness places it at /testbed). */
  image: string;
  log_parser: string;
  eval_type: string;
  eval_script: string;
}

/** An instance id: the repository slug with "/" as "__" (SWE-bench's convention), then the trace id. */
export function instanceId(trace: Trace): string {
  return `${repoSlug(trace.task?.repoUrl ?? "").replace("/", "__")}-${trace.id}`;
}

/** A trace as a SWE-bench instance. `duplicateOf` fills devtrace's duplicate_of column. */
export function swebenchRow(trace: Trace, duplicateOf: string | null = null): SwebenchRow {
  const task = trace.task;
  const tests = trace.qa?.tests;
  const parts = splitPatch(trace.finalPatch);
  const testPatch = mergeTestPatches(task?.testPatch ?? "", parts.tests);
  const baseCommit = task?.baseCommit ?? "";
  return {
    instance_id: instanceId(trace),
    repo: repoSlug(task?.repoUrl ?? ""),
    repo_url: maskUrl(task?.repoUrl ?? ""),
    base_commit: baseCommit,
    patch: parts.code,
    test_patch: testPatch,
    problem_statement: task?.description ?? "",
    hints_text: "",
    FAIL_TO_PASS: JSON.stringify(tests?.failToPass ?? []),
    PASS_TO_PASS: JSON.stringify(tests?.passToPass ?? []),
    created_at: createdAtIso(trace),
    version: baseCommit.slice(0, 12),
    environment_setup_commit: baseCommit,
    image: task?.testImage ?? "",
    log_parser: logParserName(tests?.after?.reportFormat ?? tests?.before?.reportFormat, task?.testCommand ?? ""),
    eval_type: "pass_and_fail",
    eval_script: evalScript({
      baseCommit,
      testPatch,
      testFiles: patchSections(testPatch).map((s) => s.path),
      testCommand: task?.testCommand ?? "",
    }),
    ...traceColumns(trace, duplicateOf),
  };
}
