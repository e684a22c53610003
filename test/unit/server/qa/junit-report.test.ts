import { describe, expect, it } from "vitest";
import { TestOutcome } from "../../../../gen/devtrace/v1/qa_pb.js";
import { caseName, parseJunit } from "../../../../server/qa/junit-report.js";

const pytestXml = `<?xml version="1.0" encoding="utf-8"?>
<testsuites><testsuite name="pytest" errors="0" failures="1" skipped="1" tests="4" time="0.05">
<testcase classname="tests.test_cart" name="test_total" file="tests/test_cart.py" line="3" time="0.001" />
<testcase classname="tests.test_cart.TestDiscount" name="test_rate" file="tests/test_cart.py" time="0.002"><failure message="assert 0.9 == 0.8">def test_rate():
&gt;       assert rate() == 0.8
E       assert 0.9 == 0.8</failure></testcase>
<testcase classname="tests.test_cart" name="test_skip" file="tests/test_cart.py" time="0"><skipped type="pytest.skip" message="later" /></testcase>
<testcase classname="tests.test_cart" name="test_err" file="tests/test_cart.py" time="0"><error message="fixture &apos;db&apos; not found"><![CDATA[E  fixture 'db' not found <here>]]></error></testcase>
</testsuite></testsuites>`;

describe("parseJunit()", () => {
  it("reads per-test outcomes, names, durations and messages from pytest's report", () => {
    const r = parseJunit(pytestXml);
    if ("error" in r) throw new Error(r.error);
    expect(r.value).toMatchObject({ format: "junit", passed: 1, failed: 1, skipped: 1, errors: 1 });
    expect(r.value?.cases.map((c) => [c.name, c.outcome])).toEqual([
      ["tests/test_cart.py::test_total", TestOutcome.PASSED],
      ["tests/test_cart.py::TestDiscount::test_rate", TestOutcome.FAILED],
      ["tests/test_cart.py::test_skip", TestOutcome.SKIPPED],
      ["tests/test_cart.py::test_err", TestOutcome.ERROR],
    ]);
    expect(r.value?.cases[1].message).toContain("> ");
    expect(r.value?.cases[1].message).toContain("assert 0.9 == 0.8");
    expect(r.value?.cases[3].message).toContain("fixture 'db' not found <here>");
    expect(r.value?.cases[1].durationMs).toBe(2);
  });

  it("bounds a failure message to 4 KiB", () => {
    const big = "x".repeat(20_000);
    const r = parseJunit(`<testsuite><testcase name="t"><failure message="m">${big}</failure></testcase></testsuite>`);
    if ("error" in r) throw new Error(r.error);
    expect(r.value?.cases[0].message.length).toBeLessThan(4200);
  });

  it("returns an error for a document that is not XML", () => {
    expect(parseJunit("<testsuite><testcase name='a'></testsuite>")).toHaveProperty("error");
    expect(parseJunit("not xml at all <<<")).toHaveProperty("error");
  });

  it("returns no report when the document has no test case", () => {
    expect(parseJunit("<testsuites></testsuites>")).toEqual({ value: undefined });
  });

  it.each([
    [{ classname: "src/a.test.ts", name: "sum > adds" }, "src/a.test.ts::sum > adds"],
    [{ classname: "example.com/m", name: "TestA" }, "example.com/m::TestA"],
    [{ name: "lonely" }, "lonely"],
    [{ classname: "tests.test_x", name: "test_y", file: "tests/test_x.py" }, "tests/test_x.py::test_y"],
  ])("names %o as %s", (attrs, name) => {
    expect(caseName(attrs)).toBe(name);
  });
});

describe("parseJunit() on hostile reports", () => {
  it("refuses entity declarations (the billion-laughs bomb) instead of expanding them", () => {
    const bomb = `<?xml version="1.0"?><!DOCTYPE t [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><testsuite><testcase name="&b;"/></testsuite>`;
    expect(parseJunit(bomb)).toEqual({ error: "JUnit XML: entity declarations are refused" });
  });

  it("decodes character references and keeps markup-looking text as text", () => {
    const r = parseJunit(`<testsuite><testcase classname="c" name="t&#x41;&#66;"><failure message="&lt;script&gt;">&lt;/testcase&gt; fake close</failure></testcase></testsuite>`);
    if ("error" in r) throw new Error(r.error);
    expect(r.value?.cases).toHaveLength(1);
    expect(r.value?.cases[0]).toMatchObject({ name: "c::tAB", outcome: TestOutcome.FAILED });
    expect(r.value?.cases[0].message).toBe("<script>\n</testcase> fake close");
  });

  it("reads test cases in nested suites and an empty <failure/>", () => {
    const r = parseJunit(`<testsuites><testsuite><testsuite><testcase name="deep"><failure/></testcase></testsuite></testsuite><testsuite><testcase name="flat"/></testsuite></testsuites>`);
    if ("error" in r) throw new Error(r.error);
    expect(r.value?.cases.map((c) => [c.name, c.outcome])).toEqual([["deep", TestOutcome.FAILED], ["flat", TestOutcome.PASSED]]);
  });
});
