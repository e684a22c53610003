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
  return events.map((e) => digestEvent(e, taskCommand));
}

function digestEvent(e: Event, taskCommand: string): DigestItem {
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
      // A kind this digest does not know (a newer agent): still an event the judge should see.
      return item(5, `EVENT ${k.case ?? "of an unknown kind"}`);
  }
}

/**
 * Fits a timeline into `budgetChars`, keeping the most telling items at every size: items
 * are taken by priority (then the latest first, where the fix is) in their short form while
 * they fit, an item longer than the whole budget is cut to fit, and the room left turns the
 * most telling kept items into their full form. Never empty when there is an item. Returns
 * the lines in time order and how many items were left out.
 */
export function fitTimeline(items: readonly DigestItem[], budgetChars: number): { lines: string[]; omitted: number } {
  const ranked = [...items].sort((a, b) => a.priority - b.priority || Number(b.seq - a.seq));
  const kept: Array<{ item: DigestItem; text: string }> = [];
  let used = 0;
  for (const item of ranked) {
    const need = item.short.length + 1;
    if (used + need <= budgetChars) {
      kept.push({ item, text: item.short });
      used += need;
    } else if (kept.length === 0 && budgetChars > 1) {
      // Even the most telling item is too long: a cut item says more than nothing.
      const text = boundString(item.short, Math.max(1, budgetChars - 40)).slice(0, budgetChars - 1);
      kept.push({ item, text });
      used += text.length + 1;
    }
  }
  for (const k of kept) {
    const extra = k.item.full.length - k.text.length;
    if (k.text === k.item.short && extra > 0 && used + extra <= budgetChars) {
      k.text = k.item.full;
      used += extra;
    }
  }
  const lines = kept.sort((a, b) => Number(a.item.seq - b.item.seq)).map((k) => k.text);
  return { lines, omitted: items.length - kept.length };
}
