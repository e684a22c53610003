import { isTestFile } from "./test-file-pattern.js";

/** One file's part of a unified diff: its header lines and hunks, verbatim. */
export interface FilePatch {
  /** The file's path after the change (before it, for a deletion). */
  path: string;
  text: string;
}

/** A final patch split into the part QA applies on both trees and the part only the patched tree gets. */
export interface SplitPatch {
  /** Test files (by isTestFile), applied on the base tree and the patched tree. */
  testPatch: string;
  /** Everything else: the fix itself. */
  codePatch: string;
  testFiles: string[];
  codeFiles: string[];
}

/**
 * Cuts a unified diff into per-file sections, verbatim: at each `diff --git` line in git's
 * format, else at each `--- ` line followed by `+++ ` (plain diff -u). Text before the first
 * section (a commit message) is dropped.
 */
export function filePatches(patch: string): FilePatch[] {
  const lines = patch.split(/(?<=\n)/);
  const git = lines.some((l) => l.startsWith("diff --git "));
  const starts: number[] = [];
  lines.forEach((l, i) => {
    if (git ? l.startsWith("diff --git ") : l.startsWith("--- ") && lines[i + 1]?.startsWith("+++ ")) starts.push(i);
  });
  return starts.map((start, k) => {
    const section = lines.slice(start, starts[k + 1] ?? lines.length);
    return { path: sectionPath(section), text: section.join("") };
  });
}

function sectionPath(section: readonly string[]): string {
  const strip = (p: string) => p.trim().replace(/^"|"$/g, "").replace(/^[ab]\//, "");
  const to = section.find((l) => l.startsWith("+++ "))?.slice(4).split("\t")[0];
  if (to && to.trim() !== "/dev/null") return strip(to);
  const from = section.find((l) => l.startsWith("--- "))?.slice(4).split("\t")[0];
  if (from && from.trim() !== "/dev/null") return strip(from);
  // Binary changes, mode changes and pure renames carry no ---/+++ lines.
  const renamed = section.find((l) => l.startsWith("rename to "));
  if (renamed) return strip(renamed.slice("rename to ".length));
  const m = /^diff --git a\/(.*?) b\/(.*)$/.exec(section[0]?.trimEnd() ?? "");
  return m ? m[2] : "";
}

/**
 * Splits a final patch SWE-bench style: test files (applied on both trees, so a test the
 * developer adds must fail on the base tree to count as evidence) and code (the fix).
 * A renamed file is a test only when both its old and new paths are tests.
 */
export function splitPatch(patch: string): SplitPatch {
  const out: SplitPatch = { testPatch: "", codePatch: "", testFiles: [], codeFiles: [] };
  for (const f of filePatches(patch)) {
    const from = /^rename from (.*)$/m.exec(f.text)?.[1];
    const test = isTestFile(f.path) && (from === undefined || isTestFile(from));
    if (test) {
      out.testPatch += f.text;
      out.testFiles.push(f.path);
    } else {
      out.codePatch += f.text;
      out.codeFiles.push(f.path);
    }
  }
  return out;
}
