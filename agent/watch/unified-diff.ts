import { formatPatch, structuredPatch } from "diff";
import type { StructuredPatch, StructuredPatchHunk } from "diff";

/** A git-style unified diff of one file and the lines it adds and removes. */
export interface TextDiff {
  diff: string;
  linesAdded: number;
  linesRemoved: number;
  /** The line diff ran out of time: `diff` replaces every line, the counts are the lines that differ. */
  wholeFile: boolean;
}

/** Options of textDiff(). */
export interface TextDiffOptions {
  /** Mode written in a creation header; default "100644". */
  mode?: string;
  /** Time the line diff may take before the whole file is written as replaced; default 250 ms. */
  timeoutMs?: number;
}

const contextLines = 3;

/**
 * A diff that `git apply` accepts: `diff --git a/<path> b/<path>` header, 3 lines of context,
 * "\ No newline at end of file" where due. `before` null means the file is new (from /dev/null).
 */
export function textDiff(path: string, before: string | null, after: string, options: TextDiffOptions = {}): TextDiff {
  const oldName = before === null ? "/dev/null" : `a/${path}`;
  const lineDiff = structuredPatch(oldName, `b/${path}`, before ?? "", after, undefined, undefined, {
    context: contextLines,
    timeout: options.timeoutMs ?? 250,
  });
  const patch = lineDiff ?? wholeFilePatch(oldName, `b/${path}`, before ?? "", after);
  patch.isGit = true;
  if (before === null) {
    patch.isCreate = true;
    patch.newMode = options.mode ?? "100644";
  }
  if (!lineDiff) return { diff: formatPatch(patch), ...changedLines(before ?? "", after), wholeFile: true };
  let linesAdded = 0;
  let linesRemoved = 0;
  for (const hunk of patch.hunks) {
    for (const line of hunk.lines) {
      if (line.startsWith("+")) linesAdded++;
      else if (line.startsWith("-")) linesRemoved++;
    }
  }
  return { diff: formatPatch(patch), linesAdded, linesRemoved, wholeFile: false };
}

/**
 * Added and removed line counts without a line diff, in linear time: the lines of `after`
 * not matched by an equal line of `before` (as a multiset), and the other way round. Equal
 * to a diff's counts unless lines moved (a moved line counts as unchanged here).
 */
export function changedLines(before: string, after: string): { linesAdded: number; linesRemoved: number } {
  const counts = new Map<string, number>();
  for (const line of splitLines(before)) counts.set(line, (counts.get(line) ?? 0) + 1);
  let linesAdded = 0;
  for (const line of splitLines(after)) {
    const n = counts.get(line) ?? 0;
    if (n > 0) counts.set(line, n - 1);
    else linesAdded++;
  }
  let linesRemoved = 0;
  for (const n of counts.values()) linesRemoved += n;
  return { linesAdded, linesRemoved };
}

/** Lines with their ending, so a change of the final newline counts as a change of that line. */
function splitLines(text: string): string[] {
  return text === "" ? [] : (text.match(/[^\n]*\n|[^\n]+$/g) ?? []);
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
