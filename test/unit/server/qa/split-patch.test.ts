import { describe, expect, it } from "vitest";
import { filePatches, splitPatch } from "../../../../server/qa/split-patch.js";
import { isTestFile } from "../../../../server/qa/test-file-pattern.js";

const section = (path: string, body = "@@ -1 +1 @@\n-a\n+b\n") => `diff --git a/${path} b/${path}\n--- a/${path}\n+++ b/${path}\n${body}`;

describe("isTestFile()", () => {
  it.each([
    ["tests/test_cart.py", true],
    ["pkg/test_util.py", true],
    ["pkg/util_test.py", true],
    ["conftest.py", true],
    ["internal/cart/cart_test.go", true],
    ["src/cart.test.ts", true],
    ["web/app.spec.jsx", true],
    ["src/__tests__/cart.js", true],
    ["src/test/java/CartTest.java", true],
    ["spec/cart_spec.rb", true],
    ["shopcart/pricing.py", false],
    ["pytest.ini", false],
    ["setup.cfg", false],
    ["cart/testing_helpers_not.go", false],
    ["src/contest.py", false],
    ["latest/main.go", false],
  ])("%s → %s", (path, expected) => {
    expect(isTestFile(path)).toBe(expected);
  });
});

describe("splitPatch()", () => {
  it("puts test files in the test part and the rest in the code part, verbatim", () => {
    const code = section("shopcart/pricing.py");
    const test = `diff --git a/tests/test_new.py b/tests/test_new.py\nnew file mode 100644\nindex 0000000..e69de29\n--- /dev/null\n+++ b/tests/test_new.py\n@@ -0,0 +1,2 @@\n+def test_trivial():\n+    pass\n`;
    const split = splitPatch(code + test);
    expect(split).toEqual({ testPatch: test, codePatch: code, testFiles: ["tests/test_new.py"], codeFiles: ["shopcart/pricing.py"] });
  });

  it("names a deleted file by its old path and a pure rename by its new one", () => {
    const del = "diff --git a/tests/test_old.py b/tests/test_old.py\ndeleted file mode 100644\n--- a/tests/test_old.py\n+++ /dev/null\n@@ -1 +0,0 @@\n-x\n";
    const ren = "diff --git a/a.py b/tests/test_a.py\nsimilarity index 100%\nrename from a.py\nrename to tests/test_a.py\n";
    expect(filePatches(del + ren).map((f) => f.path)).toEqual(["tests/test_old.py", "tests/test_a.py"]);
    // Moving code into a test file is not a test change: its old path is code.
    expect(splitPatch(ren).codeFiles).toEqual(["tests/test_a.py"]);
  });

  it("splits a plain diff -u patch with no git headers", () => {
    const plain = "--- a/x.py\n+++ b/x.py\n@@ -1 +1 @@\n-a\n+b\n--- a/test_x.py\n+++ b/test_x.py\n@@ -1 +1 @@\n-a\n+b\n";
    expect(splitPatch(plain)).toMatchObject({ codeFiles: ["x.py"], testFiles: ["test_x.py"] });
  });

  it("keeps a hunk line that looks like a header inside its file", () => {
    const tricky = section("a.py", "@@ -1,2 +1,2 @@\n---- a/fake\n++++ b/fake\n");
    expect(filePatches(tricky)).toHaveLength(1);
  });

  it("gives empty parts for an empty patch", () => {
    expect(splitPatch("")).toEqual({ testPatch: "", codePatch: "", testFiles: [], codeFiles: [] });
  });
});
