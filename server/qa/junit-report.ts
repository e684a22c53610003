import { TestOutcome } from "../../gen/devtrace/v1/qa_pb.js";
import { boundString } from "./bounded-text.js";
import { countCases, type ParsedCase, type ParsedReport } from "./test-case-result.js";
import { findAll, parseXml, type XmlElement } from "./xml-tree.js";

const messageLimit = 4096;

/**
 * Reads per-test outcomes from JUnit XML (pytest --junitxml, vitest/jest junit reporters,
 * go-junit-report). Returns undefined when the document holds no test case at all.
 */
export function parseJunit(xml: string): { value: ParsedReport | undefined } | { error: string } {
  const doc = parseXml(xml);
  if ("error" in doc) return { error: `JUnit XML: ${doc.error}` };
  const testcases = findAll(doc.value, "testcase");
  if (testcases.length === 0) return { value: undefined };
  const cases = testcases.map(toCase);
  // pytest runs with --continue-on-collection-errors: a file that cannot load is one error
  // case among the others; the suite only never started when nothing else ran.
  const interrupted = cases.every((c) => c.outcome === TestOutcome.ERROR && /collection failure/i.test(c.message));
  return { value: { format: "junit", ...countCases(cases), cases, interrupted } };
}

function toCase(el: XmlElement): ParsedCase {
  const failure = el.children.find((c) => c.name === "failure");
  const error = el.children.find((c) => c.name === "error");
  const skipped = el.children.find((c) => c.name === "skipped");
  const outcome = failure ? TestOutcome.FAILED : error ? TestOutcome.ERROR : skipped ? TestOutcome.SKIPPED : TestOutcome.PASSED;
  const detail = failure ?? error ?? skipped;
  const message = detail ? [detail.attrs.message ?? "", detail.text.trim()].filter(Boolean).join("\n") : "";
  const seconds = Number(el.attrs.time ?? "0");
  return {
    name: caseName(el.attrs),
    outcome,
    durationMs: Number.isFinite(seconds) ? Math.round(seconds * 1000 * 1000) / 1000 : 0,
    message: boundString(message, messageLimit),
  };
}

/**
 * A stable, pytest-node-id-like name: "tests/test_cart.py::TestCart::test_x" when the
 * report gives the file (pytest xunit1), else "classname::name".
 */
export function caseName(attrs: Record<string, string>): string {
  const name = attrs.name ?? "";
  const classname = attrs.classname ?? "";
  const file = attrs.file ?? "";
  if (file) {
    const module = file.replace(/\.py$/, "").replaceAll("/", ".");
    const rest = classname.startsWith(`${module}.`) ? classname.slice(module.length + 1) : classname === module ? "" : classname;
    return [file, rest, name].filter(Boolean).join("::");
  }
  return classname ? `${classname}::${name}` : name;
}
