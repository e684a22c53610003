import { XMLParser, XMLValidator } from "fast-xml-parser";
import { TestOutcome } from "../../gen/devtrace/v1/qa_pb.js";
import { boundString } from "./bounded-text.js";
import { countCases, type ParsedCase, type ParsedReport } from "./test-case-result.js";

const messageLimit = 4096;

/** One element as fast-xml-parser gives it: attributes by name, text under "#text", children by tag. */
type Node = { [key: string]: unknown };

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "",
  attributesGroupName: "@",
  textNodeName: "#text",
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  // The XML entities and character references (&#65;); declared entities are refused before parsing.
  processEntities: true,
  htmlEntities: true,
  isArray: (name) => ["testsuite", "testcase", "failure", "error", "skipped"].includes(name),
});

/**
 * Reads per-test outcomes from JUnit XML (pytest --junitxml, vitest/jest junit reporters,
 * go-junit-report) with fast-xml-parser. Returns an error for a malformed document or one
 * declaring entities (a report never needs them; they are how XML bombs work), and
 * undefined when the document holds no test case at all.
 */
export function parseJunit(xml: string): { value: ParsedReport | undefined } | { error: string } {
  if (/<!ENTITY/i.test(xml)) return { error: "JUnit XML: entity declarations are refused" };
  const valid = XMLValidator.validate(xml);
  if (valid !== true) return { error: `JUnit XML: ${valid.err.msg} (line ${valid.err.line})` };
  let doc: Node;
  try {
    doc = parser.parse(xml) as Node;
  } catch (err) {
    return { error: `JUnit XML: ${(err as Error).message}` };
  }
  const testcases = collect(doc, "testcase");
  if (testcases.length === 0) return { value: undefined };
  const cases = testcases.map(toCase);
  // pytest runs with --continue-on-collection-errors: a file that cannot load is one error
  // case among the others; the suite only never started when nothing else ran.
  const interrupted = cases.every((c) => c.outcome === TestOutcome.ERROR && /collection failure/i.test(c.message));
  return { value: { format: "junit", ...countCases(cases), cases, interrupted } };
}

/** Every element named `name` below `node`, in document order, at any depth. */
function collect(node: unknown, name: string, out: Node[] = []): Node[] {
  if (Array.isArray(node)) {
    for (const n of node) collect(n, name, out);
  } else if (node !== null && typeof node === "object") {
    for (const [key, value] of Object.entries(node as Node)) {
      if (key === "@" || key === "#text") continue;
      if (key === name) for (const el of value as Node[]) out.push(el);
      else collect(value, name, out);
    }
  }
  return out;
}

const attrs = (el: Node | undefined): Record<string, string> => (el?.["@"] as Record<string, string> | undefined) ?? {};
/** The first child element `name`; an empty element (`<failure/>`) comes back as "" from the parser. */
function first(el: Node, name: string): Node | undefined {
  const list = el[name];
  if (!Array.isArray(list) || list.length === 0) return undefined;
  const child: unknown = list[0];
  return child !== null && typeof child === "object" ? (child as Node) : { "#text": String(child ?? "") };
}
const text = (el: Node | undefined): string => (typeof el === "string" ? el : typeof el?.["#text"] === "string" ? (el["#text"] as string) : "");

function toCase(el: Node): ParsedCase {
  const failure = first(el, "failure");
  const error = first(el, "error");
  const skipped = first(el, "skipped");
  const outcome = failure ? TestOutcome.FAILED : error ? TestOutcome.ERROR : skipped ? TestOutcome.SKIPPED : TestOutcome.PASSED;
  const detail = failure ?? error ?? skipped;
  const message = detail ? [attrs(detail).message ?? "", text(detail).trim()].filter(Boolean).join("\n") : "";
  const seconds = Number(attrs(el).time ?? "0");
  return {
    name: caseName(attrs(el)),
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
