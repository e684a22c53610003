import type { DimensionScore, JudgeResult, TestRun } from "../../gen/devtrace/v1/qa_pb.js";
import { QaStatus, RunOutcome, TestOutcome } from "../../gen/devtrace/v1/qa_pb.js";
import type { Trace } from "../../gen/devtrace/v1/trace_pb.js";
import { DiffView } from "./diff-view.js";
import { duration, inQa, statusLabel, verdictLabel, visibleControls, when } from "./format.js";
import { OutputView } from "./output-view.js";

const label = (s: string | undefined) => (s ?? "unspecified").toLowerCase().replace(/_/g, " ");

function Run(p: { name: string; run: TestRun | undefined }) {
  const r = p.run;
  if (!r) return <p class="muted">No {p.name} run yet.</p>;
  return (
    <section class="qa-run" aria-label={`${p.name} run`}>
      <h4>
        {p.name}: {label(RunOutcome[r.outcome])}
      </h4>
      <p>
        exit {r.exitCode} · {r.passed} passed, {r.failed} failed, {r.skipped} skipped, {r.errors} errors ·{" "}
        {duration(Number(r.durationMs))} · results from {visibleControls(r.reportFormat || "—")}
      </p>
      <details>
        <summary>stdout{r.stdoutBytesCut > 0n ? ` (${String(r.stdoutBytesCut)} bytes cut)` : ""}</summary>
        <OutputView text={r.stdout} label={`${p.name} stdout`} cutBytes={r.stdoutBytesCut} />
      </details>
      <details>
        <summary>stderr{r.stderrBytesCut > 0n ? ` (${String(r.stderrBytesCut)} bytes cut)` : ""}</summary>
        <OutputView text={r.stderr} label={`${p.name} stderr`} cutBytes={r.stderrBytesCut} />
      </details>
    </section>
  );
}

function TestClass(p: { name: string; tests: string[]; bad?: boolean }) {
  return (
    <details class={p.bad && p.tests.length ? "test-class bad" : "test-class"} open={p.tests.length > 0 && p.tests.length <= 20}>
      <summary>
        {p.name} ({p.tests.length})
      </summary>
      <ul>
        {p.tests.slice(0, 1000).map((t, i) => (
          <li key={i}>
            <code>{visibleControls(t)}</code>
          </li>
        ))}
      </ul>
    </details>
  );
}

const dimensions: Array<[keyof JudgeResult, string]> = [
  ["problemUnderstanding", "problem understanding"],
  ["investigationStrategy", "investigation strategy"],
  ["decisionRationale", "decision rationale"],
  ["useOfEvidence", "use of evidence"],
  ["reproducibility", "reproducibility"],
  ["safetyPrivacyAwareness", "safety & privacy awareness"],
];

function Judge(p: { judge: JudgeResult | undefined }) {
  const j = p.judge;
  if (!j) return <p class="muted">The judge has not scored this trace yet.</p>;
  return (
    <section aria-label="Judge">
      {j.heuristic ? (
        <p class="warning" role="note">
          Heuristic judge: no language model graded this trace (no API key was configured); these scores come from fixed rules.
        </p>
      ) : null}
      <p>
        model <code>{visibleControls(j.model)}</code> · rubric <code>{visibleControls(j.rubricVersion)}</code> · overall{" "}
        <strong>{j.overall.toFixed(2)}</strong> / 5
      </p>
      <table class="scores">
        <caption>Judge scores (1–5) with the judge's rationale</caption>
        <thead>
          <tr>
            <th scope="col">dimension</th>
            <th scope="col">score</th>
            <th scope="col">rationale</th>
          </tr>
        </thead>
        <tbody>
          {dimensions.map(([key, name]) => {
            const d = j[key] as DimensionScore | undefined;
            return (
              <tr key={key}>
                <th scope="row">{name}</th>
                <td class="score">{d ? d.score : "—"}</td>
                <td>{d ? visibleControls(d.rationale) : ""}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {j.summary ? <p class="judge-summary">{visibleControls(j.summary)}</p> : null}
    </section>
  );
}

/** Everything QA found: both runs, the per-test classes, the judge, the score and its formula, the final patch. */
export function QaPanel(p: { trace: Trace }) {
  const t = p.trace;
  const qa = t.qa;
  const tests = qa?.tests;
  const j = qa?.judge;
  const jNorm = j ? (j.overall - 1) / 4 : undefined;
  const tScore = qa && jNorm !== undefined ? (qa.overall - 0.4 * jNorm) / 0.6 : undefined;
  return (
    <section class="qa" aria-label="QA">
      <p class="qa-status" aria-live="polite">
        Status: <span class={`badge status-${t.status}`}>{statusLabel(t.status)}</span>
        {t.statusDetail ? ` — ${visibleControls(t.statusDetail)}` : ""}
        {inQa(t.status) ? " (updating live)" : ""}
      </p>
      {!qa ? (
        <p class="muted">QA has not produced anything yet.</p>
      ) : (
        <>
          <p>
            QA {label(QaStatus[qa.status])}
            {qa.error ? `: ${visibleControls(qa.error)}` : ""} · started {when(qa.startedAt)} · finished {when(qa.finishedAt)} ·{" "}
            {qa.attempts} attempt{qa.attempts === 1 ? "" : "s"}
          </p>
          <h3>Score</h3>
          <p class="formula">
            overall = 0.6 × T + 0.4 × J = <strong data-testid="overall">{qa.overall.toFixed(3)}</strong>
            {tScore !== undefined && jNorm !== undefined ? ` (T = ${tScore.toFixed(3)}, J = (judge − 1) / 4 = ${jNorm.toFixed(3)})` : ""}
          </p>
          <p class="muted">
            T is 1 when resolved; for partial, the share of failing tests fixed times (1 − the share of passing tests that regressed); 0
            otherwise.
          </p>
          <h3>Tests</h3>
          {tests ? (
            <>
              <p>
                verdict <span class={`badge verdict-${tests.verdict}`}>{verdictLabel(tests.verdict)}</span> · image{" "}
                <code>{visibleControls(tests.image)}</code> · command <code>{visibleControls(tests.command)}</code> · patch applied
                with {visibleControls(tests.patchMethod || "—")}
              </p>
              <div class="test-classes">
                <TestClass name="fail to pass" tests={tests.failToPass} />
                <TestClass name="regressions" tests={tests.regressions} bad />
                <TestClass name="fail to fail" tests={tests.failToFail} bad />
                <TestClass name="pass to pass" tests={tests.passToPass} />
              </div>
              <div class="runs">
                <Run name="before" run={tests.before} />
                <Run name="after" run={tests.after} />
              </div>
              {tests.after && tests.after.cases.length > 0 ? (
                <details>
                  <summary>Test cases after the patch ({tests.after.cases.length})</summary>
                  <ul>
                    {tests.after.cases.slice(0, 2000).map((c, i) => (
                      <li key={i}>
                        <code>{visibleControls(c.name)}</code> {label(TestOutcome[c.outcome])}
                        {c.message ? ` — ${visibleControls(c.message)}` : ""}
                      </li>
                    ))}
                  </ul>
                </details>
              ) : null}
            </>
          ) : (
            <p class="muted">No test results yet.</p>
          )}
          <h3>Judge</h3>
          <Judge judge={j} />
        </>
      )}
      <h3>Final patch</h3>
      {t.finalPatch ? <DiffView diff={t.finalPatch} label="Final patch" /> : <p class="muted">No final patch yet.</p>}
    </section>
  );
}
