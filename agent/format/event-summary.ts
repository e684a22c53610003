import { timestampDate } from "@bufbuild/protobuf/wkt";
import type { Event } from "../../gen/devtrace/v1/event_pb.js";
import { renderTable } from "./table.js";

/** One line saying what an event is about, e.g. "pytest -q → exit 1 (1.2 s)". */
export function eventSummary(e: Event): string {
  const k = e.kind;
  switch (k.case) {
    case "terminalCommand": {
      const exit = k.value.exitCode === undefined ? "no exit code" : `exit ${k.value.exitCode}`;
      return `${k.value.commandLine} → ${exit} (${(Number(k.value.durationMs) / 1000).toFixed(1)} s, ${k.value.outputBytes} output bytes) in ${k.value.cwd}`;
    }
    case "fileEdit":
      return `${k.value.path} +${k.value.linesAdded} -${k.value.linesRemoved}`;
    case "fileCreated":
      return `${k.value.path} (${k.value.sizeBytes} bytes)`;
    case "fileDeleted":
      return k.value.path;
    case "fileRenamed":
      return `${k.value.oldPath} → ${k.value.newPath}`;
    case "fileOpened":
      return k.value.path;
    case "thought":
      return `${k.value.text}${k.value.tags.length ? ` [${k.value.tags.join(", ")}]` : ""}`;
    case "commitMade":
      return `${k.value.sha.slice(0, 10)} ${k.value.message.split("\n")[0]}`;
    case "branchSwitched":
      return `${k.value.fromBranch} → ${k.value.toBranch}`;
    case "pushRemote":
      return `${k.value.remote}/${k.value.branch} at ${k.value.headSha.slice(0, 10)}`;
    case "prOpened":
      return `#${k.value.number} ${k.value.title} ${k.value.url}`;
    case "goToDefinition":
      return `${k.value.source?.symbol ?? ""} → ${k.value.target?.path ?? ""}:${(k.value.target?.range?.start?.line ?? 0) + 1}`;
    case "findReferences":
      return `${k.value.source?.symbol ?? ""}: ${k.value.references.length} references`;
    case "recordLost":
      return `lost by the agent's journal: ${k.value.reason}`;
    case "sessionStarted":
      return `${k.value.sessionKind} session: ${k.value.program}${k.value.recorded ? "" : " (not recorded)"}`;
    default:
      return "";
  }
}

/** Events as a table: seq, time, session, kind, summary. */
export function renderEvents(events: readonly Event[]): string {
  return renderTable(events, [
    { header: "seq", cell: (e) => String(e.seq), right: true },
    { header: "time", cell: (e) => (e.time ? timestampDate(e.time).toISOString().slice(11, 23) : "") },
    { header: "session", cell: (e) => e.sessionId, max: 12 },
    { header: "kind", cell: (e) => e.kind.case ?? "" },
    { header: "what", cell: eventSummary, max: 100 },
  ]);
}
