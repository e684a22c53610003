import type { Event } from "../../gen/devtrace/v1/event_pb.js";
import { boundString } from "./bounded-text.js";

/** One event as the judge may see it, in a full and a short form. */
export interface DigestItem {
  seq: bigint;
  /** 1 = most telling (kept longest), 5 = least. */
  priority: number;
  short: string;
  full: string;
}

const testCommand = /\b(pytest|py\.test|go test|cargo test|npm (run )?test|npx (vitest|jest)|vitest|jest|make (test|check)|tox|nox|unittest)\b/;

/** True when a command line looks like a test run. */
export function isTestCommand(commandLine: string, taskCommand = ""): boolean {
  return testCommand.test(commandLine) || (taskCommand !== "" && commandLine.includes(taskCommand));
}

/**
 * Turns events into prompt lines. Thoughts rank first, then failing or test commands
 * (the evidence), then edits, then other commands; navigation events last.
 */
export function digestEvents(events: readonly Event[], taskCommand: string): DigestItem[] {
  return events.map((e) => digestEvent(e, taskCommand)).filter((i): i is DigestItem => i !== undefined);
}

function digestEvent(e: Event, taskCommand: string): DigestItem | undefined {
  const at = `#${e.seq} ${e.time ? new Date(Number(e.time.seconds) * 1000).toISOString().slice(11, 19) : ""}`.trim();
  const k = e.kind;
  const item = (priority: number, head: string, body = ""): DigestItem => ({ seq: e.seq, priority, short: `[${at}] ${head}`, full: body ? `[${at}] ${head}\n${body}` : `[${at}] ${head}` });
  switch (k.case) {
    case "thought": {
      const tags = k.value.tags.length ? ` (tags: ${k.value.tags.join(", ")})` : "";
      return { seq: e.seq, priority: 1, short: `[${at}] NOTE${tags}: ${boundString(k.value.text, 400)}`, full: `[${at}] NOTE${tags}: ${boundString(k.value.text, 4000)}` };
    }
    case "terminalCommand": {
      const c = k.value;
      const exit = c.exitCode === undefined ? "no exit code" : `exit ${c.exitCode}`;
      const head = `COMMAND (${exit}, ${c.durationMs} ms, cwd ${c.cwd || "?"}): $ ${boundString(c.commandLine, 1000)}`;
      const cut = c.outputBytesCut > 0n ? `\n[${c.outputBytesCut} bytes of output were cut at recording]` : "";
      const telling = (c.exitCode ?? 0) !== 0 || isTestCommand(c.commandLine, taskCommand);
      return item(telling ? 2 : 4, head, c.output ? `output:\n${boundString(c.output, 3000)}${cut}` : "");
    }
    case "fileEdit":
      return item(3, `EDIT ${k.value.path} (+${k.value.linesAdded} −${k.value.linesRemoved})`, boundString(k.value.unifiedDiff, 3000));
    case "fileCreated":
      return item(3, `CREATED ${k.value.path} (${k.value.sizeBytes} bytes)`, boundString(k.value.unifiedDiff, 2000));
    case "fileDeleted":
      return item(3, `DELETED ${k.value.path}`);
    case "fileRenamed":
      return item(3, `RENAMED ${k.value.oldPath} → ${k.value.newPath}`);
    case "commitMade":
      return item(4, `COMMIT ${k.value.sha.slice(0, 12)} on ${k.value.branch}: ${boundString(k.value.message, 300)}`);
    case "branchSwitched":
      return item(5, `BRANCH ${k.value.fromBranch} → ${k.value.toBranch}`);
    case "pushRemote":
      return item(5, `PUSH ${k.value.remote} ${k.value.branch}`);
    case "prOpened":
      return item(4, `PR #${k.value.number} opened: ${boundString(k.value.title, 200)}`);
    case "fileOpened":
      return item(5, `OPENED ${k.value.path}`);
    case "goToDefinition":
      return item(5, `GO TO DEFINITION ${k.value.source?.symbol ?? ""} → ${k.value.target?.path ?? ""}`);
    case "findReferences":
      return item(5, `FIND REFERENCES ${k.value.source?.symbol ?? ""} (${k.value.references.length} found)`);
    case "recordLost":
      // Said so the judge does not read a missing step as a gap in the developer's reasoning.
      return item(5, `LOST EVENT (the recorder's journal lost it: ${boundString(k.value.reason, 200)})`);
    default:
      return undefined;
  }
}

/**
 * Fits a timeline into `budgetChars`: every item short first (dropping the least
 * telling kinds when even that is too long), then the most telling items in full.
 * Returns the lines in time order and how many events were left out.
 */
export function fitTimeline(items: readonly DigestItem[], budgetChars: number): { lines: string[]; omitted: number } {
  let kept = [...items];
  const size = (list: readonly DigestItem[]) => list.reduce((n, i) => n + i.short.length + 1, 0);
  for (let p = 5; p >= 1 && size(kept) > budgetChars; p--) kept = kept.filter((i) => i.priority < p);
  // Within the lowest surviving priority still too long: keep the latest ones (the fix).
  while (kept.length > 0 && size(kept) > budgetChars) kept.splice(kept.findIndex((i) => i.priority === Math.max(...kept.map((k) => k.priority))), 1);
  let used = size(kept);
  const full = new Set<DigestItem>();
  for (const i of [...kept].sort((a, b) => a.priority - b.priority || Number(b.seq - a.seq))) {
    const extra = i.full.length - i.short.length;
    if (used + extra <= budgetChars) {
      full.add(i);
      used += extra;
    }
  }
  const lines = kept.sort((a, b) => Number(a.seq - b.seq)).map((i) => (full.has(i) ? i.full : i.short));
  return { lines, omitted: items.length - kept.length };
}
