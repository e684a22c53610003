import { timestampDate } from "@bufbuild/protobuf/wkt";
import type { Event, Location } from "../../gen/devtrace/v1/event_pb.js";
import type { Trace } from "../../gen/devtrace/v1/trace_pb.js";
import type { ChatMessage, MessageStep } from "./chat-message.js";
import { repoSlug } from "./repo-slug.js";

/** What an event becomes: a tool call and its result, or nothing (kinds left out of messages). */
interface Action {
  name: string;
  args: Record<string, unknown>;
  result: string;
}

const kindNames: Record<string, string> = {
  fileOpened: "file_opened", fileEdit: "file_edit", fileCreated: "file_created", fileDeleted: "file_deleted",
  fileRenamed: "file_renamed", terminalCommand: "terminal_command", thought: "thought", commitMade: "commit_made",
  branchSwitched: "branch_switched", pushRemote: "push_remote", prOpened: "pr_opened",
  goToDefinition: "go_to_definition", findReferences: "find_references", recordLost: "record_lost",
};

function step(e: Event): MessageStep {
  return {
    seq: Number(e.seq),
    session_id: e.sessionId,
    time: e.time ? timestampDate(e.time).toISOString() : "",
    kind: kindNames[e.kind.case ?? ""] ?? String(e.kind.case),
    tags: e.kind.case === "thought" ? e.kind.value.tags : [],
  };
}

const where = (l: Location | undefined) =>
  l ? `${l.path}:${(l.range?.start?.line ?? 0) + 1}:${(l.range?.start?.column ?? 0) + 1}` : "";

function terminalResult(c: Extract<Event["kind"], { case: "terminalCommand" }>["value"]): string {
  const lines = c.output === "" ? [] : [c.output.replace(/\n$/, "")];
  if (c.outputBytesCut > 0n) lines.push(`[${c.outputBytesCut} of ${c.outputBytes} output bytes cut from the middle]`);
  lines.push(c.exitCode === undefined ? "[no exit code: the terminal closed first]" : `[exit code ${c.exitCode}]`);
  return lines.join("\n");
}

/** The tool call an event stands for; undefined for thoughts and the kinds left out. */
export function eventAction(e: Event): Action | undefined {
  const k = e.kind;
  switch (k.case) {
    case "terminalCommand":
      return { name: "bash", args: { command: k.value.commandLine, cwd: k.value.cwd }, result: terminalResult(k.value) };
    case "fileEdit":
      return { name: "edit", args: { path: k.value.path, diff: k.value.unifiedDiff }, result: `edited ${k.value.path} (+${k.value.linesAdded} -${k.value.linesRemoved})` };
    case "fileCreated":
      return { name: "edit", args: { path: k.value.path, diff: k.value.unifiedDiff }, result: `created ${k.value.path} (${k.value.sizeBytes} bytes)` };
    case "fileDeleted":
      return { name: "delete_file", args: { path: k.value.path }, result: `deleted ${k.value.path}` };
    case "fileRenamed":
      return { name: "rename_file", args: { old_path: k.value.oldPath, new_path: k.value.newPath }, result: `renamed ${k.value.oldPath} to ${k.value.newPath}` };
    case "fileOpened":
      return { name: "open_file", args: { path: k.value.path }, result: `opened ${k.value.path}` };
    case "goToDefinition": {
      const s = k.value.source;
      const t = k.value.target;
      return { name: "go_to_definition", args: navArgs(s), result: t ? `${where(t)}${t.symbol ? ` ${t.symbol}` : ""}${t.symbolKind ? ` (${t.symbolKind})` : ""}` : "no definition found" };
    }
    case "findReferences":
      return { name: "find_references", args: navArgs(k.value.source), result: `${k.value.references.length} references${k.value.references.map((r) => `\n${where(r)}`).join("")}` };
    default:
      return undefined;
  }
}

function navArgs(s: Location | undefined): Record<string, unknown> {
  return { path: s?.path ?? "", line: s?.range?.start?.line ?? 0, column: s?.range?.start?.column ?? 0, symbol: s?.symbol ?? "" };
}

/** The system and user messages of a trace's task. */
export function taskMessages(trace: Trace): ChatMessage[] {
  const t = trace.task;
  const system =
    `You are a software developer fixing a bug in the repository ${repoSlug(t?.repoUrl ?? "")} at commit ${t?.baseCommit ?? ""}. ` +
    "You work in terminals and an editor: run commands with bash, change files with edit, and read code with open_file, go_to_definition and find_references.";
  const user = `${t?.description ?? ""}${t?.testCommand ? `\n\nThe tests run with: ${t.testCommand}` : ""}`;
  const msg = (role: "system" | "user", content: string): ChatMessage => ({ role, content, tool_calls: null, tool_call_id: null, name: null, steps: [] });
  return [msg("system", system), msg("user", user)];
}

/**
 * The trajectory as OpenAI-style chat messages: the task's system and user messages, then per
 * action an assistant message (the notes written since the last action as its text, the action
 * as its one tool call) and the tool's result. Notes after the last action end the conversation
 * as an assistant message without tool calls. Commits, branch switches, pushes, PRs and lost
 * records are not actions of their own (a command or the editor made them) and are left out.
 */
export function* trajectoryMessages(trace: Trace, events: Iterable<Event>): Generator<ChatMessage> {
  yield* taskMessages(trace);
  let notes: Event[] = [];
  for (const e of events) {
    if (e.kind.case === "thought") {
      notes.push(e);
      continue;
    }
    const action = eventAction(e);
    if (action === undefined) continue;
    const id = `call_${e.seq}`;
    const content = notes.map((n) => (n.kind.case === "thought" ? n.kind.value.text : "")).join("\n\n");
    yield {
      role: "assistant",
      content,
      tool_calls: [{ id, type: "function", function: { name: action.name, arguments: JSON.stringify(action.args) } }],
      tool_call_id: null,
      name: null,
      steps: [...notes.map(step), step(e)],
    };
    yield { role: "tool", content: action.result, tool_calls: null, tool_call_id: id, name: action.name, steps: [step(e)] };
    notes = [];
  }
  if (notes.length > 0) {
    const content = notes.map((n) => (n.kind.case === "thought" ? n.kind.value.text : "")).join("\n\n");
    yield { role: "assistant", content, tool_calls: null, tool_call_id: null, name: null, steps: notes.map(step) };
  }
}
