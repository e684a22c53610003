import type { Event } from "../../gen/devtrace/v1/event_pb.js";
import { isTestCommand } from "./trace-digest.js";

/** Observable facts of a trace the heuristic judge scores from. */
export interface TraceFeatures {
  notes: number;
  noteChars: number;
  notesBeforeFirstEdit: number;
  /** Notes that explain a choice ("because", "instead", "so that"…). */
  reasoningNotes: number;
  /** Notes mentioning safety, privacy, secrets or security. */
  safetyNotes: number;
  edits: number;
  commands: number;
  failingCommands: number;
  /** Reading and navigation before the first edit: opens, definitions, references, grep/cat/git log… */
  investigationBeforeEdit: number;
  testRunsBeforeEdit: number;
  testRunsAfterLastEdit: number;
  /** A test run before the first edit failed: the bug was reproduced. */
  reproducedFailure: boolean;
  /** The last test run exited 0. */
  lastTestPassed: boolean;
  /** Risky commands: sudo, rm -rf of broad paths, curl|sh, chmod 777, force push, --no-verify. */
  riskyCommands: string[];
}

const readCommand = /^\s*(grep|rg|ag|cat|less|more|head|tail|sed -n|awk|find|ls|tree|git (log|show|blame|diff|grep|status)|python3? -c|node -e|wc)\b/;
const risky = /\bsudo\b|\brm\s+-[a-z]*r[a-z]*f?\s+(\/|~|\*|\.\s*$)|curl[^|]*\|\s*(ba|z)?sh|wget[^|]*\|\s*(ba|z)?sh|chmod\s+(-R\s+)?777|push\s+(-f|--force)|--no-verify/;
const reasoning = /\b(because|since|instead|so that|therefore|the (root )?cause|hypothes|suspect|rather than|trade-?off|alternative)\b/i;
const safety = /\b(secret|token|password|credential|privacy|personal data|pii|security|unsafe|injection|sanitiz|redact)/i;

/** Extracts the features from events in seq order. */
export function traceFeatures(events: readonly Event[], taskCommand: string): TraceFeatures {
  const editSeqs = events.filter((e) => ["fileEdit", "fileCreated", "fileDeleted", "fileRenamed"].includes(e.kind.case ?? "")).map((e) => e.seq);
  const firstEdit = editSeqs[0] ?? BigInt(Number.MAX_SAFE_INTEGER);
  const lastEdit = editSeqs[editSeqs.length - 1] ?? -1n;
  const f: TraceFeatures = { notes: 0, noteChars: 0, notesBeforeFirstEdit: 0, reasoningNotes: 0, safetyNotes: 0, edits: editSeqs.length, commands: 0, failingCommands: 0, investigationBeforeEdit: 0, testRunsBeforeEdit: 0, testRunsAfterLastEdit: 0, reproducedFailure: false, lastTestPassed: false, riskyCommands: [] };
  for (const e of events) {
    const before = e.seq < firstEdit;
    const k = e.kind;
    if (k.case === "thought") {
      f.notes++;
      f.noteChars += k.value.text.length;
      if (before) f.notesBeforeFirstEdit++;
      if (reasoning.test(k.value.text)) f.reasoningNotes++;
      if (safety.test(k.value.text) || k.value.tags.some((t) => safety.test(t))) f.safetyNotes++;
    } else if (k.case === "terminalCommand") {
      const c = k.value;
      f.commands++;
      if ((c.exitCode ?? 0) !== 0) f.failingCommands++;
      if (risky.test(c.commandLine)) f.riskyCommands.push(c.commandLine.slice(0, 120));
      if (isTestCommand(c.commandLine, taskCommand)) {
        if (before) f.testRunsBeforeEdit++;
        if (before && (c.exitCode ?? 0) !== 0) f.reproducedFailure = true;
        if (e.seq > lastEdit) f.testRunsAfterLastEdit++;
        f.lastTestPassed = c.exitCode === 0;
      } else if (before && readCommand.test(c.commandLine)) f.investigationBeforeEdit++;
    } else if (before && (k.case === "fileOpened" || k.case === "goToDefinition" || k.case === "findReferences")) {
      f.investigationBeforeEdit++;
    }
  }
  return f;
}
