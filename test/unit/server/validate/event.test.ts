import { Code, ConnectError } from "@connectrpc/connect";
import { create } from "@bufbuild/protobuf";
import type { MessageInitShape } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { EventSchema } from "../../../../gen/devtrace/v1/event_pb.js";
import { validateEvent } from "../../../../server/validate/event.js";
import { validateEventBatch } from "../../../../server/validate/event-batch.js";
import { eventOfKind, thoughtEvent, thoughtEvents } from "../../../helpers/trace-events.js";

type Kind = MessageInitShape<typeof EventSchema>["kind"];

function problem(fn: () => void): string | undefined {
  try {
    fn();
    return undefined;
  } catch (e) {
    const err = e as ConnectError;
    expect(err.code).toBe(Code.InvalidArgument);
    return err.rawMessage;
  }
}

const sha = "a".repeat(64);
const loc = { path: "src/cart.py", symbol: "discount" };

describe("validateEvent()", () => {
  const valid: Array<[string, Kind]> = [
    ["file_opened", { case: "fileOpened", value: { path: "src/cart.py", language: "python" } }],
    ["file_edit", { case: "fileEdit", value: { path: "src/cart.py", unifiedDiff: "--- a\n+++ b\n", beforeSha256: sha, afterSha256: sha } }],
    ["file_created", { case: "fileCreated", value: { path: "tests/new test.py", sha256: sha } }],
    ["file_deleted", { case: "fileDeleted", value: { path: "old.py" } }],
    ["file_renamed", { case: "fileRenamed", value: { oldPath: "a.py", newPath: "b/a.py" } }],
    ["terminal_command", { case: "terminalCommand", value: { commandLine: "pytest", exitCode: 0, outputBytes: 10n, outputBytesCut: 2n } }],
    ["thought", { case: "thought", value: { text: "it is the rounding", tags: ["hypothesis"] } }],
    ["commit_made", { case: "commitMade", value: { sha: "abc1234", parentShas: ["def5678"] } }],
    ["branch_switched", { case: "branchSwitched", value: { toBranch: "fix" } }],
    ["push_remote", { case: "pushRemote", value: { remote: "origin", branch: "fix" } }],
    ["pr_opened", { case: "prOpened", value: { url: "https://example.invalid/pr/1", number: 1 } }],
    ["go_to_definition", { case: "goToDefinition", value: { source: loc, target: loc } }],
    ["find_references", { case: "findReferences", value: { source: loc, references: [loc, loc] } }],
    ["record_lost", { case: "recordLost", value: { reason: "a damaged record in segment-00000000000000000001.log" } }],
    ["record_lost at the 4 KiB reason limit", { case: "recordLost", value: { reason: "r".repeat(4096) } }],
    ["record_lost without a reason", { case: "recordLost", value: {} }],
    ["session_started of a zsh", { case: "sessionStarted", value: { sessionKind: "shell", program: "zsh", recorded: true } }],
    ["session_started of a language server", { case: "sessionStarted", value: { sessionKind: "lsp", program: "pyright-langserver", recorded: true } }],
  ];
  for (const [name, kind] of valid) {
    it(`accepts a well-formed ${name}`, () => {
      expect(problem(() => validateEvent(eventOfKind(1, kind), "e"))).toBeUndefined();
    });
  }

  const invalid: Array<[string, () => ReturnType<typeof eventOfKind>, string]> = [
    ["seq 0", () => thoughtEvent(0), "e.seq: must be ≥ 1"],
    ["no session", () => create(EventSchema, { ...thoughtEvent(1), sessionId: "" }), "e.session_id: required"],
    ["a 129-byte session", () => create(EventSchema, { ...thoughtEvent(1), sessionId: "s".repeat(129) }), "e.session_id: 129 bytes is over the 128 bytes limit"],
    ["no time", () => create(EventSchema, { ...thoughtEvent(1), time: undefined }), "e.time: required"],
    ["bad nanos", () => create(EventSchema, { seq: 1n, sessionId: "s", time: { seconds: 1n, nanos: -1 }, kind: { case: "thought", value: { text: "t" } } }), "e.time: nanos"],
    ["no kind", () => create(EventSchema, { seq: 1n, sessionId: "s", time: thoughtEvent(1).time }), "e.kind: exactly one kind must be set"],
    ["a .. segment", () => eventOfKind(1, { case: "fileOpened", value: { path: "src/../../etc" } }), "e.file_opened.path: must not contain a \"..\" segment"],
    ["an absolute path", () => eventOfKind(1, { case: "fileEdit", value: { path: "/etc/passwd" } }), "e.file_edit.path: must be relative"],
    ["a Windows path", () => eventOfKind(1, { case: "fileEdit", value: { path: "C:\\x" } }), "e.file_edit.path: must be relative"],
    ["a backslash", () => eventOfKind(1, { case: "fileCreated", value: { path: "a\\b" } }), 'e.file_created.path: must use "/"'],
    ["an empty path", () => eventOfKind(1, { case: "fileDeleted", value: { path: "" } }), "e.file_deleted.path: required"],
    ["a 4097-byte path", () => eventOfKind(1, { case: "fileOpened", value: { path: "p".repeat(4097) } }), "4 KiB limit"],
    ["a rename out of the repo", () => eventOfKind(1, { case: "fileRenamed", value: { oldPath: "a", newPath: "../a" } }), "e.file_renamed.new_path"],
    ["an upper-case sha256", () => eventOfKind(1, { case: "fileEdit", value: { path: "a", afterSha256: "A".repeat(64) } }), "e.file_edit.after_sha256"],
    ["an empty thought", () => eventOfKind(1, { case: "thought", value: { text: "" } }), "e.thought.text: required"],
    ["17 tags", () => eventOfKind(1, { case: "thought", value: { text: "t", tags: Array(17).fill("x") } }), "e.thought.tags: 17 items is over the limit of 16"],
    ["a 64 KiB + 1 command line", () => eventOfKind(1, { case: "terminalCommand", value: { commandLine: "c".repeat(65537) } }), "e.terminal_command.command_line"],
    ["more cut than produced", () => eventOfKind(1, { case: "terminalCommand", value: { outputBytes: 1n, outputBytesCut: 2n } }), "e.terminal_command.output_bytes_cut"],
    ["a commit without sha", () => eventOfKind(1, { case: "commitMade", value: { message: "m" } }), "e.commit_made.sha: required"],
    ["a branch switch to nowhere", () => eventOfKind(1, { case: "branchSwitched", value: { fromBranch: "main" } }), "e.branch_switched.to_branch: required"],
    ["a definition without target", () => eventOfKind(1, { case: "goToDefinition", value: { source: loc } }), "e.go_to_definition.target: required"],
    ["a reference outside the repo", () => eventOfKind(1, { case: "findReferences", value: { source: loc, references: [{ path: "/usr/lib/x.py" }] } }), "e.find_references.references[0].path"],
    ["a 4 KiB + 1 lost-record reason", () => eventOfKind(1, { case: "recordLost", value: { reason: "r".repeat(4097) } }), "e.record_lost.reason: 4097 bytes is over the 4 KiB limit"],
    ["a session of no known kind", () => eventOfKind(1, { case: "sessionStarted", value: { sessionKind: "ide", program: "x" } }), 'e.session_started.session_kind: must be "shell" or "lsp"'],
    ["a session program over 256 bytes", () => eventOfKind(1, { case: "sessionStarted", value: { sessionKind: "shell", program: "p".repeat(257) } }), "e.session_started.program"],
    ["an event over 1 MiB", () => eventOfKind(1, { case: "terminalCommand", value: { output: "o".repeat(1024 * 1024) } }), "over the 1 MiB event limit"],
  ];
  for (const [name, make, message] of invalid) {
    it(`refuses ${name}, naming the field`, () => {
      expect(problem(() => validateEvent(make(), "e"))).toContain(message);
    });
  }
});

describe("validateEventBatch()", () => {
  it("accepts 1000 ascending events and an empty batch", () => {
    expect(problem(() => validateEventBatch(thoughtEvents(1, 1000), "events"))).toBeUndefined();
    expect(problem(() => validateEventBatch([], "events"))).toBeUndefined();
  });
  it("accepts gaps between ascending seqs (the store reports them)", () => {
    expect(problem(() => validateEventBatch([thoughtEvent(1), thoughtEvent(5)], "events"))).toBeUndefined();
  });
  it("refuses 1001 events naming the limit", () => {
    expect(problem(() => validateEventBatch(thoughtEvents(1, 1001), "events"))).toBe(
      "events: 1001 events is over the limit of 1000 per batch",
    );
  });
  it("refuses a repeated seq naming its index", () => {
    expect(problem(() => validateEventBatch([thoughtEvent(1), thoughtEvent(2), thoughtEvent(2)], "batch.events"))).toBe(
      "batch.events[2].seq: 2 does not follow 2: seqs in a batch must be strictly ascending",
    );
  });
  it("names the index of an invalid event", () => {
    expect(problem(() => validateEventBatch([thoughtEvent(1), thoughtEvent(0)], "events"))).toBe("events[1].seq: must be ≥ 1");
  });
});
