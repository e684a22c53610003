import type { Task } from "../../gen/devtrace/v1/trace_pb.js";

/** What is missing for a task's tests to run ("test image", "test command"); empty when nothing. */
export function missingTestSettings(task: Pick<Task, "testImage" | "testCommand">): string[] {
  return [task.testImage.trim() === "" ? "test image" : "", task.testCommand.trim() === "" ? "test command" : ""].filter(Boolean);
}

/** Why a task's tests cannot run, or undefined when they can. Shared by QA and the CLI's warnings. */
export function testsNotConfigured(task: Pick<Task, "testImage" | "testCommand">): string | undefined {
  const missing = missingTestSettings(task);
  return missing.length ? `the task has no ${missing.join(" and no ")}, so no tests were run; the judge graded the reasoning alone` : undefined;
}
