import type { JudgeResult } from "../../gen/devtrace/v1/qa_pb.js";
import type { Judge, JudgeInput } from "./judge.js";
import { QaError } from "./qa-error.js";

/**
 * Runs a judge under a total deadline covering every retry it makes: the judge gets an
 * AbortSignal that fires at the deadline, and the wait ends at the deadline even if a
 * judge ignores its signal. Throws QaError "judge_timed_out" naming the deadline; an
 * abort of `signal` (lease lost, shutdown) is rethrown as it is.
 */
export async function judgeWithin(judge: Judge, input: JudgeInput, deadlineMs: number, signal: AbortSignal): Promise<JudgeResult> {
  const deadline = new AbortController();
  const timedOut = new QaError("judge_timed_out", `the judge did not answer within the ${Math.round(deadlineMs / 1000)} s judging deadline (all retries included); the tests are recorded, the trace has no judge score`);
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      deadline.abort(timedOut);
      reject(timedOut);
    }, deadlineMs);
  });
  const both = AbortSignal.any([signal, deadline.signal]);
  const cancelled = new Promise<never>((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener("abort", () => reject(signal.reason), { once: true });
  });
  const judged = judge.judge(input, both);
  // The losers of the race settle later: a rejection nobody awaits would end the process.
  for (const p of [judged, expired, cancelled]) p.catch(() => {});
  try {
    return await Promise.race([judged, expired, cancelled]);
  } catch (err) {
    if (signal.aborted) throw signal.reason ?? err;
    if (deadline.signal.aborted) throw timedOut;
    throw err;
  } finally {
    clearTimeout(timer);
  }
}
