import { formatPatch, structuredPatch } from "diff";
import type { StructuredPatch, StructuredPatchHunk } from "diff";

/** A git-style unified diff of one file and the lines it adds and removes. */
export interface TextDiff {
  diff: string;
  linesAdded: number;
  linesRemoved: number;
}

/** Options of textDiff(). */
export interface TextDiffOptions {
  /** Mode written in a creation header; default "100644". */
  mode?: string;
  /** Time the line diff may take before the whole file is written as replaced; default 2000 ms. */
  timeoutMs?: number;
}

const contextLines = 3;

/**
 * A diff that `git apply` accepts: `diff --git a/<path> b/<path>` header, 3 lines of context,
 * "\ No newline at end of file" where due. `before` null means the file is new (from /dev/null).
 */
export function textDiff(path: string, before: string | null, after: string, options: TextDiffOptions = {}): TextDiff {
  const oldName = before === null ? "/dev/null" : `a/${path}`;
  const patch =
    structuredPatch(oldName, `b/${path}`, before ?? "", after, undefined, undefined, {
      context: contextLines,
      timeout: options.timeoutMs ?? 2000,
    }) ?? wholeFilePatch(oldName, `b/${path}`, before ?? "", after);
  patch.isGit = true;
  if (before === null) {
    patch.isCreate = true;
    patch.newMode = options.mode ?? "100644";
  }
  let linesAdded = 0;
  let linesRemoved = 0;
  for (const hunk of patch.hunks) {
    for (const line of hunk.lines) {
      if (line.startsWith("+")) linesAdded++;
      else if (line.startsWith("-")) linesRemoved++;
    }
  }
  return { diff: formatPatch(patch), linesAdded, linesRemoved };
}

/** One hunk replacing every line: the fallback when the line diff gives up on its time budget. */
function wholeFilePatch(oldName: string, newName: string, before: string, after: string): StructuredPatch {
  const removed = hunkLines("-", before);
  const added = hunkLines("+", after);
  const hunk: StructuredPatchHunk = {
    oldStart: 1,
    oldLines: lineCount(before),
    newStart: 1,
    newLines: lineCount(after),
    lines: [...removed, ...added],
  };
  return { oldFileName: oldName, newFileName: newName, oldHeader: undefined, newHeader: undefined, hunks: [hunk] };
}

function lineCount(text: string): number {
  if (text === "") return 0;
  const parts = text.split("\n");
  return text.endsWith("\n") ? parts.length - 1 : parts.length;
}

function hunkLines(sign: "+" | "-", text: string): string[] {
  if (text === "") return [];
  const parts = text.split("\n");
  if (text.endsWith("\n")) return parts.slice(0, -1).map((l) => sign + l);
  return [...parts.map((l) => sign + l), "\\ No newline at end of file"];
}
