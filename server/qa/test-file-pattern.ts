// Directory names whose files are tests in the common layouts of Python, JS/TS, Go, Rust,
// Java, Ruby, PHP and C#.
const testDirs = /^(tests?|__tests__|specs?|testing|e2e|testdata|test_data|test_?utils?|integration_tests?)$/i;

/** File-name patterns of tests per language. */
const testNames: RegExp[] = [
  /^test_.+\.py$/, /^.+_test\.py$/, /^conftest\.py$/, // Python (pytest, unittest)
  /^.+_test\.go$/, // Go
  /^.+\.(test|spec)\.[cm]?[jt]sx?$/, // JavaScript / TypeScript (vitest, jest, mocha)
  /^.+(Test|Tests|IT)\.(java|kt|scala|php|cs)$/, // JVM (JUnit), PHPUnit, .NET
  /^.+_(spec|test)\.rb$/, // Ruby (RSpec, minitest)
  /^test_.+\.(c|cc|cpp|rs)$/, /^.+_test\.(c|cc|cpp|rs|exs)$/, // C/C++ (gtest), Rust, Elixir
];

/**
 * True when a repository path is a test file by the conventions of its language:
 * `test_*.py`, `*_test.go`, `*.test.ts`, `*Test.java`, `*_spec.rb`, … or any file under a
 * `tests/`, `test/`, `__tests__/`, `spec/`, `e2e/`, `testdata/` … directory. QA (which part of
 * the final patch goes on both trees) and the SWE-bench export (`test_patch`) both use it, so
 * the tests a verdict rests on are the tests an exported instance carries.
 */
export function isTestFile(path: string): boolean {
  const parts = path.split("/");
  const name = parts[parts.length - 1] ?? "";
  return parts.slice(0, -1).some((dir) => testDirs.test(dir)) || testNames.some((p) => p.test(name));
}
