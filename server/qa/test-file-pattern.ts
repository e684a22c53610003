/** Directory names whose files are tests, in any language. */
const testDirs = new Set(["test", "tests", "testing", "__tests__", "spec", "specs", "testdata", "test_data"]);

/** File-name patterns of tests per language. */
const testNames: RegExp[] = [
  /^test_.*\.py$/, /^.*_test\.py$/, /^conftest\.py$/, // Python (pytest, unittest)
  /^.*_test\.go$/, // Go
  /^.*\.(test|spec)\.[cm]?[jt]sx?$/, // JavaScript / TypeScript (vitest, jest, mocha)
  /^.*(Test|Tests|IT)\.(java|kt|scala)$/, // JVM (JUnit)
  /^.*_(spec|test)\.rb$/, // Ruby (RSpec, minitest)
  /^.*Tests?\.cs$/, // .NET
  /^test_.*\.(c|cc|cpp)$/, /^.*_test\.(c|cc|cpp|rs)$/, // C/C++ (gtest), Rust integration tests
  /^.*Test\.php$/, // PHPUnit
];

/**
 * True when a repository path is a test file by the conventions of its language:
 * `test_*.py`, `*_test.go`, `*.test.ts`, `*Test.java`, `*_spec.rb`, … or any file under a
 * `tests/`, `test/`, `__tests__/`, `spec/`, `src/test/` directory.
 */
export function isTestFile(path: string): boolean {
  const parts = path.split("/");
  const name = parts[parts.length - 1] ?? "";
  if (parts.slice(0, -1).some((dir) => testDirs.has(dir.toLowerCase()))) return true;
  return testNames.some((p) => p.test(name));
}
