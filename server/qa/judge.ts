import type { Event } from "../../gen/devtrace/v1/event_pb.js";
import type { JudgeResult, TestResults } from "../../gen/devtrace/v1/qa_pb.js";
import type { Task } from "../../gen/devtrace/v1/trace_pb.js";

/** Everything the judge sees of a trace. */
export interface JudgeInput {
  traceId: string;
  task: Task;
  events: readonly Event[];
  finalPatch: string;
  /** The test half of QA, so the judge can weigh claims against the verdict. */
  tests: TestResults;
}

/**
 * Grades a trace's reasoning against the rubric. Implementations: OpenAiJudge (an LLM
 * through the openai SDK) and HeuristicJudge (offline, labelled as such).
 * Throws QaError "judge_invalid" when output does not validate — never a default score.
 */
export interface Judge {
  judge(input: JudgeInput, signal?: AbortSignal): Promise<JudgeResult>;
}
