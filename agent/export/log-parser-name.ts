/**
 * The SWE-bench harness log parser (a key of swebench.harness.log_parsers.PARSER_REGISTRY) for
 * the report format QA read the test results from; "" when the harness has none that fits.
 */
export function logParserName(reportFormat: string | undefined, testCommand: string): string {
  switch (reportFormat) {
    case "pytest":
      return "parse_log_pytest";
    case "go":
      return "parse_log_gotest";
    case "vitest":
      return "parse_log_vitest";
    case "jest":
      return "parse_log_jest";
    case "cargo":
      return "parse_log_cargo";
    default:
      // JUnit XML or an exit code: the runner the command names still tells the parser.
      if (/\bpytest\b/.test(testCommand)) return "parse_log_pytest";
      if (/\bgo test\b/.test(testCommand)) return "parse_log_gotest";
      if (/\bvitest\b/.test(testCommand)) return "parse_log_vitest";
      if (/\bjest\b/.test(testCommand)) return "parse_log_jest";
      if (/\bcargo test\b/.test(testCommand)) return "parse_log_cargo";
      return "";
  }
}
