import { filePatches, splitPatch as splitForQa } from "../../server/qa/split-patch.js";
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

/** Cuts a unified diff into per-file sections: QA's own cut (text before the first section belongs to none). */
export const patchSections: (patch: string) => PatchSection[] = filePatches;

/** Splits a patch into its test part and its code part exactly as QA does (server/qa/split-patch.ts). */
export function splitPatch(patch: string): SplitPatch {
  const s = splitForQa(patch);
  return { code: s.codePatch, tests: s.testPatch, codeFiles: s.codeFiles, testFiles: s.testFiles };
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
