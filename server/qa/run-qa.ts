import { create } from "@bufbuild/protobuf";
import type { Logger } from "pino";
import type { Event } from "../../gen/devtrace/v1/event_pb.js";
import { TestResultsSchema, Verdict, type QaResult, type TestRun } from "../../gen/devtrace/v1/qa_pb.js";
import { TraceStatus, type Trace } from "../../gen/devtrace/v1/trace_pb.js";
import { gradeTests } from "./grade-tests.js";
import type { Judge } from "./judge.js";
import { maskUrl } from "./mask-url.js";
import { overallScore } from "./qa-score.js";
import { interpretRun } from "./test-run-report.js";
import type { TestRunner, TestRunSpec } from "./test-runner.js";
import type { Workspace } from "./workspace.js";

/** The I/O edges one QA run uses. */
export interface QaDeps {
  workspace: Workspace;
  runner: TestRunner;
  judge: Judge;
}

/** Reports a step: writes the trace's status (and the partial QA result). */
export type QaProgress = (status: TraceStatus, detail: string) => Promise<void>;

/**
 * QA of one sealed trace: prepares the base and patched trees, runs the test command
 * on both (in parallel, each in its own container), grades them, asks the judge and
 * computes the overall score. Fills `qa` as it goes, so a caller that catches an error
 * still holds whatever was produced (e.g. the tests when the judge fails).
 */
export async function runQa(trace: Trace, readEvents: () => Promise<Event[]>, qa: QaResult, deps: QaDeps, progress: QaProgress, logger: Logger, signal: AbortSignal): Promise<void> {
  const task = trace.task;
  if (!task) throw new Error(`trace ${trace.id} has no task`);
  await progress(TraceStatus.RUNNING_TESTS, `preparing the workspace from ${maskUrl(task.repoUrl)} at ${task.baseCommit}`);
  const trees = await deps.workspace.prepare({ repoUrl: task.repoUrl, baseCommit: task.baseCommit }, trace.finalPatch);
  try {
    await progress(TraceStatus.RUNNING_TESTS, `running \`${task.testCommand}\` in ${task.testImage} on the base commit and on the patched tree`);
    const spec = (phase: "before" | "after", treeDir: string): TestRunSpec => ({ traceId: trace.id, phase, image: task.testImage, command: task.testCommand, treeDir });
    const [before, after] = await runBoth(deps.runner, spec("before", trees.baseDir), spec("after", trees.patchedDir), signal);
    const grade = gradeTests(before, after);
    qa.tests = create(TestResultsSchema, { image: task.testImage, command: task.testCommand, patchMethod: trees.patchMethod, before, after, ...grade });
    logger.info({ verdict: Verdict[grade.verdict], failToPass: grade.failToPass.length, regressions: grade.regressions.length }, "tests graded");
  } finally {
    await trees.dispose();
  }
  await progress(TraceStatus.JUDGING, `tests ${Verdict[qa.tests.verdict]}; grading the reasoning`);
  const judged = await deps.judge.judge({ traceId: trace.id, task, events: await readEvents(), finalPatch: trace.finalPatch, tests: qa.tests }, signal);
  qa.judge = judged;
  qa.overall = overallScore(qa.tests, judged);
}

/**
 * Runs both phases at once; when one fails the other is aborted, and the first
 * error is thrown only after both containers are gone.
 */
async function runBoth(runner: TestRunner, before: TestRunSpec, after: TestRunSpec, signal: AbortSignal): Promise<[TestRun, TestRun]> {
  const inner = new AbortController();
  const relay = () => inner.abort(signal.reason);
  signal.addEventListener("abort", relay, { once: true });
  let firstError: unknown;
  try {
    const runs = [before, after].map((s) =>
      runner.run({ ...s, signal: inner.signal }).catch((err: unknown) => {
        firstError ??= err;
        inner.abort(err);
        throw err;
      }),
    );
    const [b, a] = await Promise.allSettled(runs);
    if (b.status === "rejected" || a.status === "rejected") throw firstError;
    return [interpretRun(b.value), interpretRun(a.value)];
  } finally {
    signal.removeEventListener("abort", relay);
  }
}
