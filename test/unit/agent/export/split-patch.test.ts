import { describe, expect, it } from "vitest";
import { isTestPath, mergeTestPatches, patchSections, splitPatch } from "../../../../agent/export/split-patch.js";

const section = (path: string, body = "@@ -1 +1 @@\n-a\n+b\n") => `diff --git a/${path} b/${path}\n--- a/${path}\n+++ b/${path}\n${body}`;

describe("isTestPath()", () => {
  it.each([
    ["tests/test_cart.py", true],
    ["shopcart/test_utils.py", true],
    ["pkg/cart_test.py", true],
    ["conftest.py", true],
    ["internal/cart_test.go", true],
    ["src/cart.test.ts", true],
    ["src/cart.spec.jsx", true],
    ["src/__tests__/cart.js", true],
    ["src/test/java/shop/CartTest.java", true],
    ["lib/cart_spec.rb", true],
    ["spec/models/cart.rb", true],
    ["shopcart/pricing.py", false],
    ["src/contest.ts", false],
    ["docs/testing-guide.md", false],
    ["src/attestation.go", false],
    ["latest/x.py", false],
  ])("%s → %s", (path, test) => expect(isTestPath(path)).toBe(test));
});

describe("splitPatch()", () => {
  it("puts test files in tests and the rest in code, keeping each section whole and in order", () => {
    const patch = section("shopcart/pricing.py") + section("tests/test_pricing.py") + section("shopcart/cart.py");
    const s = splitPatch(patch);
    expect(s.codeFiles).toEqual(["shopcart/pricing.py", "shopcart/cart.py"]);
    expect(s.testFiles).toEqual(["tests/test_pricing.py"]);
    expect(s.code).toBe(section("shopcart/pricing.py") + section("shopcart/cart.py"));
    expect(s.tests).toBe(section("tests/test_pricing.py"));
  });

  it("names created and deleted files by their real path, not /dev/null", () => {
    const created = "diff --git a/tests/test_new.py b/tests/test_new.py\nnew file mode 100644\n--- /dev/null\n+++ b/tests/test_new.py\n@@ -0,0 +1 @@\n+x\n";
    const deleted = "diff --git a/old.py b/old.py\ndeleted file mode 100644\n--- a/old.py\n+++ /dev/null\n@@ -1 +0,0 @@\n-x\n";
    expect(patchSections(created + deleted).map((p) => p.path)).toEqual(["tests/test_new.py", "old.py"]);
  });

  it("reads plain unified diffs without git headers", () => {
    const plain = "--- a/app.py\n+++ b/app.py\n@@ -1 +1 @@\n-a\n+b\n--- a/test_app.py\n+++ b/test_app.py\n@@ -1 +1 @@\n-a\n+b\n";
    expect(splitPatch(plain).testFiles).toEqual(["test_app.py"]);
    expect(splitPatch(plain).code).toBe("--- a/app.py\n+++ b/app.py\n@@ -1 +1 @@\n-a\n+b\n");
  });

  it("does not take a removed line that looks like a header for a new section", () => {
    const tricky = section("app.py", "@@ -1,2 +1 @@\n--- a/tests/x.py\n-keep\n");
    expect(splitPatch(tricky).codeFiles).toEqual(["app.py"]);
  });

  it("gives empty parts for an empty patch", () => {
    expect(splitPatch("")).toEqual({ code: "", tests: "", codeFiles: [], testFiles: [] });
  });
});

describe("mergeTestPatches()", () => {
  it("keeps the reference's section of a file both touch and adds the developer's other test files", () => {
    const reference = section("tests/test_pricing.py", "@@ -1 +1 @@\n-ref\n+REF\n");
    const own = section("tests/test_pricing.py") + section("tests/test_cart.py");
    const merged = mergeTestPatches(reference, own);
    expect(patchSections(merged).map((s) => s.path)).toEqual(["tests/test_pricing.py", "tests/test_cart.py"]);
    expect(merged).toContain("+REF");
    expect(merged).not.toContain("\n+b\n@@");
  });

  it("is the developer's tests alone when the task has no reference", () => {
    expect(mergeTestPatches("", section("tests/t_test.go"))).toBe(section("tests/t_test.go"));
  });
});
