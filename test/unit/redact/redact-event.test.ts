import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { EventSchema, type Event } from "../../../gen/devtrace/v1/event_pb.js";
import { redactEvent } from "../../../redact/redact-event.js";
import { Redactor } from "../../../redact/redactor.js";
import { secretSamples } from "../../fixtures/redact/secret-samples.js";

const redactor = new Redactor({ home: "/home/ann" });
const ghp = secretSamples().find((s) => s.rule === "github")?.secret ?? "";
const M = "[REDACTED:github]";

function event(kind: Event["kind"]): Event {
  return create(EventSchema, { seq: 7n, sessionId: "term-1", kind });
}

describe("redactEvent()", () => {
  it("redacts command line, cwd and output of a terminal command", async () => {
    const e = event({
      case: "terminalCommand",
      value: { commandLine: `GH=${ghp} gh repo list`, cwd: "/home/ann/app", output: `token ${ghp}\n`, exitCode: 0, shell: "bash" },
    });
    const out = await redactEvent(redactor, e);
    expect(out.kind.case === "terminalCommand" && out.kind.value).toMatchObject({
      commandLine: `GH=${M} gh repo list`,
      cwd: "~/app",
      output: `token ${M}\n`,
      exitCode: 0,
      shell: "bash",
    });
    expect(out.seq).toBe(7n);
    expect(e.kind.case === "terminalCommand" && e.kind.value.commandLine).toContain(ghp);
  });

  it.each([
    ["fileEdit", { case: "fileEdit", value: { path: "src/a.ts", unifiedDiff: `+const t = "${ghp}";` } }, (e: Event) => e.kind.case === "fileEdit" && e.kind.value.unifiedDiff],
    ["fileCreated", { case: "fileCreated", value: { path: ".env", unifiedDiff: `+GH=${ghp}` } }, (e: Event) => e.kind.case === "fileCreated" && e.kind.value.unifiedDiff],
    ["thought text", { case: "thought", value: { text: `rotated ${ghp}`, tags: ["x"] } }, (e: Event) => e.kind.case === "thought" && e.kind.value.text],
    ["thought tags", { case: "thought", value: { text: "t", tags: [ghp] } }, (e: Event) => e.kind.case === "thought" && e.kind.value.tags[0]],
    ["commit message", { case: "commitMade", value: { sha: "a".repeat(40), message: `oops ${ghp}` } }, (e: Event) => e.kind.case === "commitMade" && e.kind.value.message],
    ["PR title", { case: "prOpened", value: { url: "https://git.acme.io/pr/1", title: `fix ${ghp}` } }, (e: Event) => e.kind.case === "prOpened" && e.kind.value.title],
    ["push remote", { case: "pushRemote", value: { remote: `https://x:${ghp}@github.com/a/b`, branch: "main" } }, (e: Event) => e.kind.case === "pushRemote" && e.kind.value.remote],
  ] as const)("redacts the %s", async (_what, kind, field) => {
    const out = await redactEvent(redactor, event(kind as Event["kind"]));
    expect(field(out)).not.toContain(ghp);
    // A remote loses its userinfo whole (see repo-url.ts); everything else keeps a marker.
    if (_what === "push remote") expect(field(out)).toBe("https://github.com/a/b");
    else expect(field(out)).toContain("[REDACTED:");
  });

  it("leaves paths and hashes alone", async () => {
    const e = event({ case: "fileEdit", value: { path: "src/token.ts", unifiedDiff: "+x", beforeSha256: "ab".repeat(32), afterSha256: "cd".repeat(32) } });
    expect(await redactEvent(redactor, e)).toEqual(e);
  });
});
