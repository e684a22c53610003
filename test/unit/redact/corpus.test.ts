import { create } from "@bufbuild/protobuf";
import { afterAll, describe, expect, it } from "vitest";
import { EventSchema, type Event } from "../../../gen/devtrace/v1/event_pb.js";
import { CreateTraceRequestSchema } from "../../../gen/devtrace/v1/trace_service_pb.js";
import { redactMessage } from "../../../redact/redact-message.js";
import { Redactor } from "../../../redact/redactor.js";
import { corpusLookalikes, corpusSecrets } from "../../fixtures/redact/corpus.js";
import { commitAbout, corpusPaths, proseValue, diffAdding, noteAbout, repoUrlWith, taskAbout, type CorpusPath } from "../../fixtures/redact/corpus-paths.js";

const redactor = new Redactor();
const secrets = corpusSecrets();
const lookalikes = corpusLookalikes();

const json = (v: unknown) => JSON.stringify(v, (_k, x: unknown) => (typeof x === "bigint" ? String(x) : x));
const event = (kind: Event["kind"]) => create(EventSchema, { seq: 1n, sessionId: "s1", kind });
const eventText = async (kind: Event["kind"]) => json((await redactMessage(redactor, EventSchema, event(kind))).kind.value);
const taskText = async (task: { description?: string; repoUrl?: string }) =>
  json((await redactMessage(redactor, CreateTraceRequestSchema, create(CreateTraceRequestSchema, { task: { repoUrl: "x", ...task } }))).task);

/** `text` put on `path` and redacted as the agent (and the server) redacts that field; undefined when the path does not apply. */
async function through(path: CorpusPath, line: string, value: string): Promise<string | undefined> {
  switch (path) {
    case "command":
      return eventText({ case: "terminalCommand", value: { commandLine: line, cwd: "/work/shop" } as never });
    case "output":
      return eventText({ case: "terminalCommand", value: { commandLine: "cat config/app.env", output: `${line}\n` } as never });
    case "file edit":
      return eventText({ case: "fileEdit", value: { path: "config/app.env", unifiedDiff: diffAdding(line) } as never });
    case "note":
      return eventText({ case: "thought", value: { text: noteAbout(proseValue(value, line)) } as never });
    case "commit message":
      return eventText({ case: "commitMade", value: { sha: "9fceb02d0ae598e95dc970b74767f19372d61af8", message: commitAbout(line) } as never });
    case "final patch":
      return (await redactor.redactDetailed(diffAdding(line), { diff: true })).text;
    case "task description":
      return taskText({ description: taskAbout(proseValue(value, line)) });
    case "repo URL":
      return value.includes("\n") ? undefined : taskText({ repoUrl: repoUrlWith(value) });
  }
}

/** The pieces of a secret that must be gone: the value, or each line of a multi-line one. */
function pieces(secret: string): string[] {
  return secret.split("\n").filter((l) => l.length >= 12 && !/^-----(BEGIN|END) /.test(l));
}

const report: string[] = [];
afterAll(() => console.log(`\nredaction corpus: ${secrets.length} secrets of ${new Set(secrets.map((s) => s.kind)).size} kinds, ${lookalikes.length} look-alike lines\n${report.join("\n")}\n`));

describe("the redaction corpus", () => {
  it("holds at least 60 secrets of at least 25 kinds and 60 look-alike lines", () => {
    expect(secrets.length).toBeGreaterThanOrEqual(60);
    expect(new Set(secrets.map((s) => s.kind)).size).toBeGreaterThanOrEqual(25);
    expect(lookalikes.length).toBeGreaterThanOrEqual(60);
  });

  it.each(corpusPaths.map((p) => [p]))("recall is 100 percent on the %s path", async (path) => {
    const missed: string[] = [];
    let placed = 0;
    for (const s of secrets) {
      const out = await through(path, s.line, s.secret);
      if (out === undefined) continue;
      placed++;
      const encoded = path === "repo URL" ? [encodeURIComponent(s.secret)] : pieces(s.secret);
      if (encoded.some((p) => out.includes(p))) missed.push(`${s.kind}: ${s.line.split("\n")[0].slice(0, 100)}`);
    }
    report.push(`  ${path.padEnd(17)} recall ${(((placed - missed.length) / placed) * 100).toFixed(1)} % (${placed - missed.length}/${placed})`);
    expect(missed, `secrets that survived on the ${path} path:\n${missed.join("\n")}`).toEqual([]);
  });

  it.each(corpusPaths.filter((p) => p !== "repo URL").map((p) => [p]))("false-positive rate is at most 2 percent on the %s path", async (path) => {
    const changed: string[] = [];
    for (const line of lookalikes) {
      const before = await throughPlain(path, line);
      const out = await through(path, line, line);
      if (out !== before) changed.push(line);
    }
    const rate = changed.length / lookalikes.length;
    report.push(`  ${path.padEnd(17)} false positives ${(rate * 100).toFixed(1)} % (${changed.length}/${lookalikes.length})${changed.length ? `: ${changed.map((c) => JSON.stringify(c.slice(0, 60))).join(", ")}` : ""}`);
    expect(rate, `look-alikes changed on the ${path} path: ${changed.join(" | ")}`).toBeLessThanOrEqual(0.02);
  });
});

/** The same message unredacted, to compare against. */
async function throughPlain(path: CorpusPath, line: string): Promise<string | undefined> {
  const noop = { redactDetailed: async (text: string) => ({ text, ranges: [] }) };
  const plain = (kind: Event["kind"]) => redactMessage(noop, EventSchema, event(kind)).then((e) => json(e.kind.value));
  switch (path) {
    case "command":
      return plain({ case: "terminalCommand", value: { commandLine: line, cwd: "/work/shop" } as never });
    case "output":
      return plain({ case: "terminalCommand", value: { commandLine: "cat config/app.env", output: `${line}\n` } as never });
    case "file edit":
      return plain({ case: "fileEdit", value: { path: "config/app.env", unifiedDiff: diffAdding(line) } as never });
    case "note":
      return plain({ case: "thought", value: { text: noteAbout(line) } as never });
    case "commit message":
      return plain({ case: "commitMade", value: { sha: "9fceb02d0ae598e95dc970b74767f19372d61af8", message: commitAbout(line) } as never });
    case "final patch":
      return diffAdding(line);
    case "task description":
      return json((await redactMessage(noop, CreateTraceRequestSchema, create(CreateTraceRequestSchema, { task: { repoUrl: "x", description: taskAbout(line) } }))).task);
    case "repo URL":
      return undefined;
  }
}
