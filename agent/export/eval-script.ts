import { createHash } from "node:crypto";

/** Where SWE-bench's harness expects the repository inside an instance's image. */
export const testbedDir = "/testbed";

/** The line SWE-bench's grading reads the test output after. */
export const startMarker = ">>>>> Start Test Output";
/** The line SWE-bench's grading reads the test output before. */
export const endMarker = ">>>>> End Test Output";

/** A POSIX shell word that stands for exactly `s`, whatever it holds. */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** A here-document delimiter that no line of `body` equals, so the body can never end it early. */
export function heredocDelimiter(body: string): string {
  const lines = new Set(body.split(/\r?\n/));
  let delim = `DEVTRACE_PATCH_${createHash("sha256").update(body).digest("hex").slice(0, 16)}`;
  while (lines.has(delim)) delim += "_";
  return delim;
}

/**
 * The eval script of a SWE-bench instance (the harness's `eval_script`): in the repository at
 * base_commit, reset the test files, apply test_patch, run the task's test command between the
 * markers grading reads, reset the test files again. Every path and the patch are quoted so that
 * nothing a trace contains runs as shell code; the test command is the researcher's own.
 */
export function evalScript(o: { baseCommit: string; testPatch: string; testFiles: string[]; testCommand: string }): string {
  const files = o.testFiles.map(shellQuote).join(" ");
  const reset = files ? [`git checkout ${shellQuote(o.baseCommit)} -- ${files}`] : [];
  const apply: string[] = [];
  if (o.testPatch !== "") {
    const body = o.testPatch.endsWith("\n") ? o.testPatch : `${o.testPatch}\n`;
    const delim = heredocDelimiter(body);
    apply.push(`git apply -v - <<'${delim}'\n${body}${delim}`);
  }
  return [
    "#!/bin/bash",
    "set -uxo pipefail",
    `cd ${testbedDir}`,
    ...reset,
    ...apply,
    `echo ${shellQuote(startMarker)}`,
    o.testCommand || "true",
    `echo ${shellQuote(endMarker)}`,
    ...reset,
    "",
  ].join("\n");
}
