// Renders a scored trace as plain-text tables for a terminal.

const verdicts = ["UNSPECIFIED", "RESOLVED", "PARTIAL", "NOT_RESOLVED", "INVALID"];
const outcomes = ["UNSPECIFIED", "COMPLETED", "TIMED_OUT", "NOT_STARTED", "INVALID"];
const qaStatuses = ["UNSPECIFIED", "OK", "PATCH_FAILED", "REPO_UNAVAILABLE", "IMAGE_NOT_FOUND", "DOCKER_UNAVAILABLE", "ERROR", "NOT_CONFIGURED", "JUDGE_TIMED_OUT", "JUDGE_FAILED"];
const dims = [
  ["problemUnderstanding", "problem understanding"],
  ["investigationStrategy", "investigation strategy"],
  ["decisionRationale", "decision rationale"],
  ["useOfEvidence", "use of evidence"],
  ["reproducibility", "reproducibility"],
  ["safetyPrivacyAwareness", "safety & privacy awareness"],
];

/** A table with a header row; columns padded to their widest cell, the last cell wrapped at `wrap`. */
export function table(rows, wrap = 70) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  const last = widths.length - 1;
  widths[last] = Math.min(widths[last], wrap);
  const line = (r) => r.map((c, i) => String(c).padEnd(widths[i])).join("  ").trimEnd();
  const out = [];
  rows.forEach((r, n) => {
    const chunks = wrapText(String(r[last]), widths[last]);
    out.push(line([...r.slice(0, last), chunks[0]]));
    for (const more of chunks.slice(1)) out.push(line([...r.slice(0, last).map(() => ""), more]));
    if (n === 0) out.push(widths.map((w) => "─".repeat(w)).join("  "));
  });
  return out.join("\n");
}

function wrapText(text, width) {
  const words = text.split(/\s+/);
  const lines = [""];
  for (const w of words) {
    const cur = lines[lines.length - 1];
    if (cur && cur.length + 1 + w.length > width) lines.push(w);
    else lines[lines.length - 1] = cur ? `${cur} ${w}` : w;
  }
  return lines;
}

/** The whole scored trace: tests, per-test grading, judge, overall. */
export function renderTrace(trace) {
  const qa = trace.qa;
  const out = [`Trace ${trace.id} — ${trace.statusDetail}`, ""];
  if (!qa) return out.join("\n");
  out.push(`QA status: ${qaStatuses[qa.status]}${qa.error ? ` — ${qa.error}` : ""}`, "");
  const t = qa.tests;
  if (t) {
    const run = (name, r) => [name, outcomes[r?.outcome ?? 0], r?.exitCode ?? "", r?.passed ?? 0, r?.failed ?? 0, r?.errors ?? 0, `${r?.durationMs ?? 0n} ms`];
    out.push(`Tests: \`${t.command}\` in ${t.image} (patch applied with ${t.patchMethod})`);
    out.push(table([["run", "outcome", "exit", "passed", "failed", "errors", "duration"], run("base commit", t.before), run("patched", t.after)]), "");
    const rows = [["test", "grade"]];
    for (const [list, label] of [[t.failToPass, "fail → pass"], [t.regressions, "REGRESSION (pass → fail)"], [t.failToFail, "still failing"], [t.passToPass, "pass → pass"]]) {
      for (const name of list) rows.push([name, label]);
    }
    out.push(table(rows), "", `Verdict: ${verdicts[t.verdict]}`, "");
  }
  const j = qa.judge;
  if (j) {
    out.push(`Judge: ${j.model}${j.heuristic ? " (HEURISTIC: no OPENAI_API_KEY, scored from trace features, not an LLM)" : ""}, rubric ${j.rubricVersion}`);
    out.push(table([["dimension", "score", "rationale"], ...dims.map(([k, label]) => [label, `${j[k]?.score ?? "-"}/5`, j[k]?.rationale ?? ""])]));
    out.push(`Judge overall: ${j.overall.toFixed(2)} / 5`, "");
  }
  out.push(`Overall QA score: ${qa.overall.toFixed(3)}  (= 0.6 × test score + 0.4 × (judge − 1) / 4)`);
  return out.join("\n");
}
