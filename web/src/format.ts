import type { Timestamp } from "@bufbuild/protobuf/wkt";
import { timestampMs } from "@bufbuild/protobuf/wkt";
import { TraceStatus } from "../../gen/devtrace/v1/trace_pb.js";
import { Verdict } from "../../gen/devtrace/v1/qa_pb.js";
import type { Event } from "../../gen/devtrace/v1/event_pb.js";

/** Milliseconds since the epoch, or NaN when unset. */
export function ms(t: Timestamp | undefined): number {
  return t ? timestampMs(t) : Number.NaN;
}

/** "2026-01-01 12:00:03 UTC", or "—". */
export function when(t: Timestamp | undefined): string {
  const v = ms(t);
  return Number.isNaN(v) ? "—" : new Date(v).toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC");
}

/** "1.2 s", "340 ms", "2 min 3 s". */
export function duration(msValue: number): string {
  if (msValue < 1000) return `${Math.round(msValue)} ms`;
  if (msValue < 60_000) return `${(msValue / 1000).toFixed(1)} s`;
  return `${Math.floor(msValue / 60_000)} min ${Math.round((msValue % 60_000) / 1000)} s`;
}

/** "12.3 KiB". */
export function bytes(n: number | bigint): string {
  const v = Number(n);
  if (v < 1024) return `${v} B`;
  if (v < 1024 * 1024) return `${(v / 1024).toFixed(1)} KiB`;
  return `${(v / 1024 / 1024).toFixed(1)} MiB`;
}

/** "RUNNING_TESTS" → "running tests". */
export function statusLabel(s: TraceStatus): string {
  return (TraceStatus[s] ?? "UNSPECIFIED").toLowerCase().replace(/_/g, " ");
}

/** "NOT_RESOLVED" → "not resolved". */
export function verdictLabel(v: Verdict): string {
  return (Verdict[v] ?? "UNSPECIFIED").toLowerCase().replace(/_/g, " ");
}

/** True while QA has not finished. */
export function inQa(s: TraceStatus): boolean {
  return s === TraceStatus.QUEUED || s === TraceStatus.RUNNING_TESTS || s === TraceStatus.JUDGING;
}

/**
 * Shows C0/C1 control characters (ESC of an OSC 8 hyperlink, BEL, …) as visible symbols
 * so that nothing in a trace can act as a terminal or markup instruction. Tabs and
 * newlines stay.
 */
export function visibleControls(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => {
    const code = c.charCodeAt(0);
    if (code < 0x20) return String.fromCharCode(0x2400 + code);
    if (code === 0x7f) return "\u2421";
    return `\\x${code.toString(16)}`;
  });
}

/** One line saying what an event is. */
export function eventSummary(e: Event): string {
  const k = e.kind;
  const cut = (s: string) => visibleControls(s.length > 160 ? `${s.slice(0, 160)}…` : s).replace(/\n/g, " ⏎ ");
  switch (k.case) {
    case "terminalCommand":
      return `$ ${cut(k.value.commandLine)}${k.value.exitCode === undefined ? "" : ` → ${k.value.exitCode}`}`;
    case "fileEdit":
      return `edit ${cut(k.value.path)} +${k.value.linesAdded} −${k.value.linesRemoved}`;
    case "fileCreated":
      return `create ${cut(k.value.path)}`;
    case "fileDeleted":
      return `delete ${cut(k.value.path)}`;
    case "fileRenamed":
      return `rename ${cut(k.value.oldPath)} → ${cut(k.value.newPath)}`;
    case "fileOpened":
      return `open ${cut(k.value.path)}`;
    case "thought":
      return `note: ${cut(k.value.text)}`;
    case "commitMade":
      return `commit ${k.value.sha.slice(0, 10)} ${cut(k.value.message)}`;
    case "branchSwitched":
      return `branch ${cut(k.value.fromBranch)} → ${cut(k.value.toBranch)}`;
    case "pushRemote":
      return `push ${cut(k.value.remote)}/${cut(k.value.branch)}`;
    case "prOpened":
      return `PR #${k.value.number} ${cut(k.value.title)}`;
    case "goToDefinition":
      return `definition ${cut(k.value.source?.symbol ?? "")} → ${cut(k.value.target?.path ?? "")}`;
    case "findReferences":
      return `references of ${cut(k.value.source?.symbol ?? "")} (${k.value.references.length})`;
    case "recordLost":
      return `record lost: ${cut(k.value.reason)}`;
    default:
      return "unknown event";
  }
}

/** Short kind name: "command", "edit", "note", … */
export function kindName(e: Event): string {
  const names: Record<string, string> = {
    terminalCommand: "command",
    fileEdit: "edit",
    fileCreated: "create",
    fileDeleted: "delete",
    fileRenamed: "rename",
    fileOpened: "open",
    thought: "note",
    commitMade: "commit",
    branchSwitched: "branch",
    pushRemote: "push",
    prOpened: "pr",
    goToDefinition: "definition",
    findReferences: "references",
    recordLost: "lost",
  };
  return names[e.kind.case ?? ""] ?? "unknown";
}
