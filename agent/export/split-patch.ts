import { isTestFile } from "../../server/qa/test-file-pattern.js";

/** A unified diff cut in two: the files that are tests and the files that are code. */
export interface SplitPatch {
  /** The diff sections of non-test files, in their original order ("" when none). */
  code: string;
  /** The diff sections of test files, in their original order ("" when none). */
  tests: string;
  codeFiles: string[];
  testFiles: string[];
}

/** One file's section of a unified diff. */
export interface PatchSection {
  path: string;
  text: string;
}

/** True when a repository path names a test file: QA's own rule, so exports and verdicts agree. */
export const isTestPath: (path: string) => boolean = isTestFile;

/**
 * Cuts a unified diff (git's "diff --git" sections, or plain "--- / +++" pairs) into per-file
 * sections. Text before the first section (a commit message, say) belongs to none.
 */
export function patchSections(patch: string): PatchSection[] {
  if (patch === "") return [];
  const lines = patch.split(/(?<=\n)/);
  const starts: number[] = [];
  const git = lines.some((l) => l.startsWith("diff --git "));
  for (let i = 0; i < lines.length; i++) {
    if (git ? lines[i].startsWith("diff --git ") : lines[i].startsWith("--- ") && lines[i + 1]?.startsWith("+++ ")) starts.push(i);
  }
  return starts.map((start, k) => {
    const text = lines.slice(start, starts[k + 1] ?? lines.length).join("");
    return { path: sectionPath(text), text };
  });
}

function sectionPath(text: string): string {
  const after = /^\+\+\+ (?:b\/)?(.+?)\t?\r?$/m.exec(text)?.[1];
  if (after !== undefined && after !== "/dev/null") return unquote(after);
  const before = /^--- (?:a\/)?(.+?)\t?\r?$/m.exec(text)?.[1];
  if (before !== undefined && before !== "/dev/null") return unquote(before);
  // A section with no hunks (mode change, binary, pure rename): git's header names it.
  const header = /^diff --git (?:"?a\/)(.+?)"? (?:"?b\/)(.+?)"?\r?$/m.exec(text);
  return header ? header[2] : "";
}

// git quotes paths with unusual bytes: "b/dir/na\"me". Only the quotes matter for matching.
function unquote(p: string): string {
  return p.startsWith('"') && p.endsWith('"') ? p.slice(1, -1).replace(/\\(.)/g, "$1").replace(/^[ab]\//, "") : p;
}

/** Splits a patch into its test part and its code part by file path (see isTestPath). */
export function splitPatch(patch: string): SplitPatch {
  const out: SplitPatch = { code: "", tests: "", codeFiles: [], testFiles: [] };
  for (const s of patchSections(patch)) {
    if (isTestPath(s.path)) {
      out.tests += s.text;
      out.testFiles.push(s.path);
    } else {
      out.code += s.text;
      out.codeFiles.push(s.path);
    }
  }
  return out;
}

/**
 * SWE-bench's test_patch for a trace: the researcher's reference tests, plus the developer's own
 * test files that the reference does not touch (two sections for one file would not apply).
 */
export function mergeTestPatches(reference: string, developerTests: string): string {
  const ref = patchSections(reference);
  const taken = new Set(ref.map((s) => s.path));
  const own = patchSections(developerTests).filter((s) => !taken.has(s.path));
  const join = (a: string, b: string) => (a === "" || a.endsWith("\n") ? a + b : `${a}\n${b}`);
  return own.reduce((acc, s) => join(acc, s.text), reference);
}
