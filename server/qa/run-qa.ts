import { create } from "@bufbuild/protobuf";
import { timestampNow } from "@bufbuild/protobuf/wkt";
import type { Logger } from "pino";
import type { Event } from "../../gen/devtrace/v1/event_pb.js";
import { JudgeStatus, TestResultsSchema, Verdict, type QaResult, type TestResults, type TestRun } from "../../gen/devtrace/v1/qa_pb.js";
import { TraceStatus, type Trace } from "../../gen/devtrace/v1/trace_pb.js";
import { gradeTests } from "./grade-tests.js";
import { judgeWithin } from "./judge-deadline.js";
import type { Judge } from "./judge.js";
import { maskUrl } from "./mask-url.js";
import { overallScore } from "./qa-score.js";
import { splitPatch } from "./split-patch.js";
import { interpretRun } from "./test-run-report.js";
import { testsNotConfigured } from "./tests-not-configured.js";
import type { TestRunner, TestRunSpec } from "./test-runner.js";
import type { Workspace } from "./workspace.js";

/** The I/O edges one QA run uses, and the deadlines that bound them. */
export interface QaDeps {
  workspace: Workspace;
  runner: TestRunner;
  judge: Judge;
  /** Total time for judging one trace, every retry included; default 180 000 ms. */
  judgeDeadlineMs?: number;
  /** The runner's wall-clock limit of one test run, shown to users; default 600 000 ms. */
  testTimeoutMs?: number;
}

/** Reports a step: writes the trace's status (and the partial QA result). */
export type QaProgress = (status: TraceStatus, detail: string) => Promise<void>;

/**
 * The test stage of QA: prepares the base tree (base commit + the test part of the final
 * patch + the reference test_patch) and the patched tree (base + the whole final patch +
 * the reference test_patch), runs the test command on both in parallel, each in its own
 * container, and grades them. A task with no test image or command gets verdict NOT_RUN
 * and its reason; nothing is fetched. Fills `qa.tests`.
 */
export async function runTestStage(trace: Trace, qa: QaResult, deps: QaDeps, progress: QaProgress, logger: Logger, signal: AbortSignal): Promise<TestResults> {
  const task = trace.task;
  if (!task) throw new Error(`trace ${trace.id} has no task`);
  qa.testTimeoutMs = BigInt(deps.testTimeoutMs ?? 600_000);
  const notRun = testsNotConfigured(task);
  if (notRun) {
    qa.tests = create(TestResultsSchema, { image: task.testImage, command: task.testCommand, verdict: Verdict.NOT_RUN, notRunReason: notRun, referenceTestsApplied: false });
    logger.info({ reason: notRun }, "tests not run");
    return qa.tests;
  }
  qa.stageStartedAt = timestampNow();
  await progress(TraceStatus.RUNNING_TESTS, `preparing the workspace from ${maskUrl(task.repoUrl)} at ${task.baseCommit}`);
  const split = splitPatch(trace.finalPatch);
  const trees = await deps.workspace.prepare({ repoUrl: task.repoUrl, baseCommit: task.baseCommit }, trace.finalPatch, { testPatch: split.testPatch, referencePatch: task.testPatch });
  try {
    const limit = Math.round(Number(qa.testTimeoutMs) / 1000);
    await progress(TraceStatus.RUNNING_TESTS, `running \`${task.testCommand}\` in ${task.testImage} on the base tree and on the patched tree (limit ${limit} s each)`);
    const spec = (phase: "before" | "after", treeDir: string): TestRunSpec => ({ traceId: trace.id, phase, image: task.testImage, command: task.testCommand, treeDir });
    const [before, after] = await runBoth(deps.runner, spec("before", trees.baseDir), spec("after", trees.patchedDir), signal);
    const grade = gradeTests(before, after);
    qa.tests = create(TestResultsSchema, {
      image: task.testImage,
      command: task.testCommand,
      patchMethod: trees.patchMethod,
      before,
      after,
      ...grade,
      testFiles: split.testFiles,
      codeFiles: split.codeFiles,
      referenceTestsApplied: task.testPatch.trim() !== "",
    });
    logger.info({ verdict: Verdict[grade.verdict], failToPass: grade.failToPass.length, regressions: grade.regressions.length, added: grade.added.length }, "tests graded");
    return qa.tests;
  } finally {
    await trees.dispose();
  }
}

/**
 * The judge stage: asks the judge within the total judging deadline and computes the
 * overall score. Throws QaError "judge_timed_out" (qa.judgeStatus TIMED_OUT) or the
 * judge's own error (FAILED); `qa.tests` stays as it was.
 */
export async function runJudgeStage(trace: Trace, readEvents: () => Promise<Event[]>, qa: QaResult, deps: QaDeps, progress: QaProgress, signal: AbortSignal): Promise<void> {
  const task = trace.task;
  if (!task || !qa.tests) throw new Error(`trace ${trace.id} reached judging without its tests`);
  const deadlineMs = deps.judgeDeadlineMs ?? 180_000;
  qa.judgeDeadlineMs = BigInt(deadlineMs);
  qa.stageStartedAt = timestampNow();
  const verdict = qa.tests.verdict === Verdict.NOT_RUN ? "not run" : Verdict[qa.tests.verdict];
  await progress(TraceStatus.JUDGING, `tests ${verdict}; grading the reasoning (limit ${Math.round(deadlineMs / 1000)} s)`);
  const events = await readEvents();
  try {
    qa.judge = await judgeWithin(deps.judge, { traceId: trace.id, task, events, finalPatch: trace.finalPatch, tests: qa.tests }, deadlineMs, signal);
  } catch (err) {
    if (!signal.aborted) qa.judgeStatus = (err as { kind?: string }).kind === "judge_timed_out" ? JudgeStatus.TIMED_OUT : JudgeStatus.FAILED;
    throw err;
  }
  qa.judgeStatus = JudgeStatus.OK;
  qa.overall = qa.tests.verdict === Verdict.NOT_RUN ? 0 : overallScore(qa.tests, qa.judge);
}

/** Both stages in a row, for callers that do not schedule them apart. */
export async function runQa(trace: Trace, readEvents: () => Promise<Event[]>, qa: QaResult, deps: QaDeps, progress: QaProgress, logger: Logger, signal: AbortSignal): Promise<void> {
  await runTestStage(trace, qa, deps, progress, logger, signal);
  await runJudgeStage(trace, readEvents, qa, deps, progress, signal);
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
