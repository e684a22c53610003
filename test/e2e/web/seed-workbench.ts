import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { createHash } from "node:crypto";
import { createPatch } from "diff";
import { EventSchema } from "../../../gen/devtrace/v1/event_pb.js";
import type { Event } from "../../../gen/devtrace/v1/event_pb.js";
import { QaResultSchema, QaStatus, RunOutcome, TestOutcome, Verdict } from "../../../gen/devtrace/v1/qa_pb.js";
import type { QaResult } from "../../../gen/devtrace/v1/qa_pb.js";
import { TaskSchema, TraceStatus } from "../../../gen/devtrace/v1/trace_pb.js";
import { HeuristicJudge } from "../../../server/qa/heuristic-judge.js";
import type { TestServer } from "../../helpers/devtrace-server.js";
import { testTokens } from "../../helpers/devtrace-server.js";

const sha = (s: string) => createHash("sha256").update(s).digest("hex");
const t0 = Date.UTC(2026, 10, 2, 9, 0, 0);

/** The pricing module as the base commit has it, and as the developer leaves it. */
export const pricingBefore = [
  "def bulk_discount(qty, price):",
  '    """10% off from 10 items on."""',
  "    if qty > 10:",
  "        return price * qty * 0.9",
  "    return price * qty",
  "",
].join("\n");
export const pricingAfter = pricingBefore.replace("if qty > 10:", "if qty >= 10:");

/** The developer's final patch, as `git diff` writes it. */
export const finalPatch = createPatch("shopcart/pricing.py", pricingBefore, pricingAfter, "", "", { context: 3 })
  .replace(/^Index: .*\n=+\n/, "")
  .replace("--- shopcart/pricing.py", "--- a/shopcart/pricing.py")
  .replace("+++ shopcart/pricing.py", "+++ b/shopcart/pricing.py");

/** Hostile strings a trace may carry. */
export const hostile = {
  script: "<script>window.__pwned = 'script'</script>",
  img: `<img src=x onerror="window.__pwned = 'img'">`,
  link: "[click me](javascript:window.__pwned='link') <a href=\"javascript:window.__pwned='a'\">a</a>",
  osc8: "\u001b]8;;javascript:window.__pwned='osc8'\u0007osc8 link\u001b]8;;\u0007",
  /** One line of 900 000 characters: most of the 1 MiB an event may hold. */
  hugeLine: `${"A".repeat(450_000)}<b>mid</b>${"Z".repeat(449_989)}`,
};

class EventMaker {
  private seq = 0n;
  events: Event[] = [];
  add(sessionId: string, atS: number, kind: Event["kind"]): void {
    this.events.push(create(EventSchema, { seq: ++this.seq, sessionId, time: timestampFromMs(t0 + atS * 1000), kind }));
  }
}

function command(commandLine: string, exitCode: number, output: string, atS: number, durationMs = 800): Event["kind"] {
  return {
    case: "terminalCommand",
    value: {
      commandLine,
      cwd: "~/shop",
      exitCode,
      startedAt: timestampFromMs(t0 + atS * 1000),
      durationMs: BigInt(durationMs),
      output,
      outputBytes: BigInt(Buffer.byteLength(output)),
      outputBytesCut: 0n,
      shell: "bash",
    },
  } as Event["kind"];
}

/** A realistic fix of sample_repo's bug: two terminals, the watcher, notes, navigation, a commit. */
export function storyEvents(): Event[] {
  const m = new EventMaker();
  const failing = "F.\n=== FAILURES ===\ntest_bulk_discount_at_ten: assert 100.0 == 90.0\n1 failed, 1 passed in 0.03s\n";
  m.add("term-1", 0, command("pytest -q", 1, failing, 0));
  m.add("term-1", 12, { case: "thought", value: { text: "the tier check uses > where the spec says >=", tags: ["hypothesis"] } } as Event["kind"]);
  m.add("editor", 20, { case: "fileOpened", value: { path: "shopcart/pricing.py", language: "python" } } as Event["kind"]);
  m.add("editor", 25, {
    case: "goToDefinition",
    value: {
      source: { path: "tests/test_pricing.py", symbol: "bulk_discount", range: { start: { line: 4, column: 11 }, end: { line: 4, column: 24 } } },
      target: { path: "shopcart/pricing.py", symbol: "bulk_discount", symbolKind: "function", range: { start: { line: 0, column: 4 } } },
      latencyMs: 12,
    },
  } as Event["kind"]);
  m.add("watcher", 40, {
    case: "fileEdit",
    value: {
      path: "shopcart/pricing.py",
      unifiedDiff: createPatch("a/shopcart/pricing.py", pricingBefore, pricingAfter, "", "", { context: 3 }).replace(
        "+++ a/shopcart/pricing.py",
        "+++ b/shopcart/pricing.py",
      ),
      beforeSha256: sha(pricingBefore),
      afterSha256: sha(pricingAfter),
      linesAdded: 1,
      linesRemoved: 1,
    },
  } as Event["kind"]);
  const notes = "Checked the threshold against the spec.\n";
  m.add("watcher", 55, {
    case: "fileCreated",
    value: { path: "NOTES.md", sha256: sha(notes), sizeBytes: BigInt(notes.length), unifiedDiff: createPatch("b/NOTES.md", "", notes) },
  } as Event["kind"]);
  m.add("term-2", 70, command("pytest -q", 0, "..\n2 passed in 0.02s\n", 70));
  m.add("term-1", 80, { case: "commitMade", value: { sha: "a".repeat(40), message: "fix: bulk discount from 10 items", branch: "main", parentShas: ["b".repeat(40)] } } as Event["kind"]);
  return m.events;
}

/** Every hostile string in every place the page shows text. */
export function hostileEvents(): Event[] {
  const m = new EventMaker();
  m.add("term-1", 0, { case: "thought", value: { text: `${hostile.script} ${hostile.img}`, tags: [hostile.img.slice(0, 60)] } } as Event["kind"]);
  m.add("term-1", 1, command(`echo '${hostile.script}'`, 0, `${hostile.script}\n${hostile.img}\n${hostile.link}\n${hostile.osc8}\n`, 1));
  m.add("term-1", 2, command("cat big.log", 0, hostile.hugeLine, 2));
  m.add("term-1", 3, { case: "prOpened", value: { url: "javascript:window.__pwned='pr'", title: hostile.img, number: 7 } } as Event["kind"]);
  m.add("watcher", 4, {
    case: "fileCreated",
    value: { path: "evil.html", sha256: "", sizeBytes: 40n, unifiedDiff: createPatch("b/evil.html", "", `${hostile.script}\n${hostile.img}\n`) },
  } as Event["kind"]);
  return m.events;
}

/** A QA result such as the worker writes: tests before/after and the heuristic judge's scores. */
export async function qaResult(events: Event[]): Promise<QaResult> {
  const tests = {
    image: "devtrace/sample-python:1",
    command: "pytest -q",
    patchMethod: "git-apply",
    before: { outcome: RunOutcome.COMPLETED, exitCode: 1, passed: 1, failed: 1, reportFormat: "junit", durationMs: 900n, stdout: "F.\n1 failed, 1 passed\n" },
    after: {
      outcome: RunOutcome.COMPLETED,
      exitCode: 0,
      passed: 2,
      reportFormat: "junit",
      durationMs: 850n,
      stdout: "..\n2 passed\n",
      cases: [
        { name: "tests/test_pricing.py::test_bulk_discount_at_ten", outcome: TestOutcome.PASSED },
        { name: "tests/test_pricing.py::test_no_discount_below_ten", outcome: TestOutcome.PASSED },
      ],
    },
    failToPass: ["tests/test_pricing.py::test_bulk_discount_at_ten"],
    passToPass: ["tests/test_pricing.py::test_no_discount_below_ten"],
    verdict: Verdict.RESOLVED,
  };
  const qa = create(QaResultSchema, { status: QaStatus.OK, tests, startedAt: timestampFromMs(t0 + 100_000), finishedAt: timestampFromMs(t0 + 130_000), attempts: 1 });
  const task = create(TaskSchema, { description: "bulk discount applied one item too early", testCommand: "pytest -q" });
  qa.judge = await new HeuristicJudge().judge({ traceId: "seed", task, events, finalPatch: "", tests: qa.tests! });
  qa.overall = 0.6 + 0.4 * ((qa.judge.overall - 1) / 4);
  return qa;
}

/** Ids of the seeded traces. */
export interface Seeded {
  story: string;
  hostile: string;
  watched: string;
  bob: string;
}

/** Creates the traces through the RPCs (alice's and bob's ingest tokens) and writes QA as the worker would. */
export async function seedWorkbench(s: TestServer): Promise<Seeded> {
  const make = async (token: string, description: string, events: Event[], repoUrl = "https://example.invalid/shop.git", finalPatch = "") => {
    const c = s.client(token);
    const req = { developer: { id: "" }, task: { description, repoUrl, baseCommit: "0123abcd", testImage: "devtrace/sample-python:1", testCommand: "pytest -q" }, environment: { os: "linux", editor: "vim", shell: "bash" } };
    const { trace, uploadToken } = await c.createTrace(req);
    if (events.length) await c.appendEvents({ traceId: trace!.id, uploadToken, events });
    await c.finalizeTrace({ traceId: trace!.id, uploadToken, finalPatch });
    return trace!.id;
  };
  const story = storyEvents();
  const ids: Seeded = {
    story: await make(testTokens.ingest, "bulk discount applied one item too early", story, undefined, finalPatch),
    hostile: await make(testTokens.ingest, `${hostile.script} hostile trace ${hostile.img}`, hostileEvents()),
    watched: await make(testTokens.ingest, "watched while QA runs", story),
    bob: await make(testTokens.otherIngest, "bob's flaky timezone test", story.slice(0, 3), "https://example.invalid/tz.git"),
  };
  await s.store.updateTraceStatus(ids.story, { status: TraceStatus.DONE, detail: "", qa: await qaResult(story), now: new Date() });
  return ids;
}
