import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import type { Event } from "../../../../gen/devtrace/v1/event_pb.js";
import { RunOutcome, TestCaseSchema, TestOutcome, TestResultsSchema, TestRunSchema, Verdict } from "../../../../gen/devtrace/v1/qa_pb.js";
import { TaskSchema } from "../../../../gen/devtrace/v1/trace_pb.js";
import { buildJudgePrompt } from "../../../../server/qa/judge-prompt.js";
import { rubricV1 } from "../../../../server/qa/rubric/rubric-v1.js";
import { seededRandom } from "../../../helpers/seeded-random.js";
import { eventOfKind } from "../../../helpers/trace-events.js";

const task = create(TaskSchema, { description: "d".repeat(20_000), repoUrl: "/srv/r", baseCommit: "abc1234", testImage: "img:1", testCommand: "python3 -m pytest -q" });

/** A random trace of `n` events of every kind the digest ranks, with sizes from tiny to huge. */
function randomTrace(n: number, seed: number): Event[] {
  const rnd = seededRandom(seed);
  // Big traces get shorter events (the budget is long full before), keeping the test fast.
  const scale = n > 5_000 ? 0.05 : 1;
  const text = (max: number) => "w ".repeat(Math.floor(rnd() * max * scale) + 1);
  return Array.from({ length: n }, (_, i) => {
    const seq = i + 1;
    const r = rnd();
    if (r < 0.3) return eventOfKind(seq, { case: "thought", value: { text: text(3_000), tags: rnd() < 0.5 ? ["hypothesis"] : [] } });
    if (r < 0.6) return eventOfKind(seq, { case: "terminalCommand", value: { commandLine: `python3 -m pytest -q ${text(400)}`, cwd: "~", exitCode: rnd() < 0.5 ? 1 : 0, output: text(10_000) } });
    if (r < 0.8) return eventOfKind(seq, { case: "fileEdit", value: { path: `src/f${i}.py`, unifiedDiff: text(5_000), linesAdded: 1, linesRemoved: 1 } });
    return eventOfKind(seq, { case: "fileOpened", value: { path: `src/${text(100)}.py` } });
  });
}

const failing = Array.from({ length: 400 }, (_, i) => create(TestCaseSchema, { name: `tests/test_x.py::test_${i}`, outcome: TestOutcome.FAILED, message: "AssertionError: ".repeat(300) }));
const tests = create(TestResultsSchema, {
  verdict: Verdict.PARTIAL,
  after: create(TestRunSchema, { outcome: RunOutcome.COMPLETED, failed: failing.length, cases: failing }),
  failToFail: failing.map((c) => c.name),
  failToPass: Array.from({ length: 300 }, (_, i) => `tests/test_y.py::test_${i}`),
});

/** The timeline section of a prompt: the lines after its heading, up to the fence's end. */
function timelineOf(user: string): string {
  return /## Timeline \([^)]*\)\n([^]*)\n<\/trace-data-/.exec(user)?.[1] ?? "";
}

describe("buildJudgePrompt() budget, over random traces of 0 to 50 000 events", () => {
  const sizes = [0, 1, 2, 10, 182, 1_500, 5_000, 50_000];
  const rnd = seededRandom(11);
  for (let i = 0; i < 3; i++) sizes.push(Math.floor(rnd() * 50_000));

  it.each(sizes.map((n, i) => [n, i + 1]))("%d events (seed %d): within budget, timeline never empty when there are events", (n, seed) => {
    const events = randomTrace(n, seed);
    for (const budgetTokens of [8_000, 24_000]) {
      const p = buildJudgePrompt({ traceId: "t", task, events, finalPatch: "x".repeat(200_000), tests }, rubricV1, budgetTokens);
      expect(p.system.length + 2 + p.user.length).toBeLessThanOrEqual(budgetTokens * 3.5);
      const timeline = timelineOf(p.user);
      if (n > 0) expect(timeline.length).toBeGreaterThan(0);
      if (n > 0) expect(p.omittedEvents).toBeLessThan(n);
      // The failing tests' messages are in, bounded.
      expect(p.user).toContain("AssertionError");
    }
  });

  it("keeps notes of a notes-only trace past 182 notes (the acceptance run's empty timeline)", () => {
    const notes = Array.from({ length: 400 }, (_, i) => eventOfKind(i + 1, { case: "thought", value: { text: `note ${i}: ${"because ".repeat(60)}`, tags: [] } }));
    const p = buildJudgePrompt({ traceId: "t", task, events: notes, finalPatch: "", tests }, rubricV1);
    expect(timelineOf(p.user)).toContain("note 399:");
    expect(timelineOf(p.user).length).toBeGreaterThan(10_000);
  });
});
