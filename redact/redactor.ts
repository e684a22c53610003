import { findAssignments } from "./assignment-rule.js";
import { findCredentials } from "./credential-rules.js";
import { homeReplacer } from "./home-path.js";
import { findUserPatterns, loadRedactPatterns, type RedactPattern } from "./redact-patterns-file.js";
import { SecretlintScanner } from "./secretlint-scanner.js";
import { applyRanges, mergeRanges, type SecretRange } from "./secret-range.js";

/** Options of createRedactor(). */
export interface RedactorOptions {
  /** The user's home directory, written as "~" in every redacted text. Default: none. */
  home?: string;
  /** Extra patterns, already compiled (see compileRedactPatterns). Default: none. */
  patterns?: readonly RedactPattern[];
  /** A JSON patterns file to load extra patterns from (see loadRedactPatterns). Default: none. */
  patternsFile?: string;
  /** A missing patternsFile means no extra patterns instead of an error. Default false. */
  patternsFileOptional?: boolean;
  /** Run secretlint only around anchors (see preset-anchors.ts). Default true. */
  prefilter?: boolean;
  /** Told about degraded modes (unknown preset rules). Default: ignored. */
  onWarning?: (message: string) => void;
}

/**
 * Replaces secrets by `[REDACTED:<rule>]` and the home directory by "~".
 *
 * Rules: secretlint's recommended preset (run through @secretlint/core), values of
 * secret-looking names (assignment-rule.ts), PEM keys, Authorization headers, URL
 * passwords, Stripe/Google/JWT tokens (credential-rules.ts), and the user's patterns.
 *
 * Contract: redact() is async because secretlint is; it never rejects for any input
 * string, keeps no state between calls and may be called concurrently. Redacting an
 * already redacted text changes nothing.
 */
export class Redactor {
  private readonly scanner: SecretlintScanner;
  private readonly patterns: readonly RedactPattern[];
  private readonly replaceHome: ((text: string) => string) | undefined;

  constructor(options: Omit<RedactorOptions, "patternsFile" | "patternsFileOptional"> = {}) {
    this.scanner = new SecretlintScanner({ prefilter: options.prefilter, onWarning: options.onWarning });
    this.patterns = options.patterns ?? [];
    this.replaceHome = homeReplacer(options.home);
  }

  /** `text` with every secret replaced by its marker and the home directory by "~". */
  async redact(text: string): Promise<string> {
    if (text.length === 0) return text;
    const redacted = applyRanges(text, await this.findSecrets(text));
    return this.replaceHome ? this.replaceHome(redacted) : redacted;
  }

  /** The merged, sorted secret ranges of `text` (offsets into `text`). */
  async findSecrets(text: string): Promise<SecretRange[]> {
    const ranges = [
      ...findAssignments(text),
      ...findCredentials(text),
      ...findUserPatterns(text, this.patterns),
      ...(await this.scanner.scan(text)),
    ];
    return mergeRanges(ranges);
  }
}

/** A Redactor with the user's patterns file loaded; rejects with an Error naming a bad file or pattern. */
export async function createRedactor(options: RedactorOptions = {}): Promise<Redactor> {
  const fromFile = options.patternsFile
    ? loadRedactPatterns(options.patternsFile, { optional: options.patternsFileOptional })
    : [];
  return new Redactor({ ...options, patterns: [...(options.patterns ?? []), ...fromFile] });
}
