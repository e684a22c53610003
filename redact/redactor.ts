import { assignmentTrigger, findAssignments } from "./assignment-rule.js";
import { credentialTrigger, findCredentials } from "./credential-rules.js";
import { homeReplacer } from "./home-path.js";
import { presetTrigger } from "./preset-anchors.js";
import { findUserPatterns, loadRedactPatterns, type RedactPattern } from "./redact-patterns-file.js";
import { SecretlintScanner } from "./secretlint-scanner.js";
import { argumentTrigger, findArguments } from "./argument-rules.js";
import { bareTokenTrigger, findBareTokens } from "./bare-token-rule.js";
import { findProviderTokens, providerTrigger } from "./provider-rules.js";
import { applyRanges, mergeRanges, type SecretRange } from "./secret-range.js";
import { TriggerScan } from "./trigger-scan.js";

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
  /**
   * Run each family of rules only on texts holding its trigger (see trigger-scan.ts), and
   * secretlint only around anchors (see preset-anchors.ts). Default true.
   */
  prefilter?: boolean;
  /** Told about degraded modes (unknown preset rules). Default: ignored. */
  onWarning?: (message: string) => void;
}

/** What kind of text is redacted; it changes what counts as a secret and how it is replaced. */
export interface TextKind {
  /** A unified diff: multi-line secrets keep each line's "+", "-" or " " prefix. Default false. */
  diff?: boolean;
  /**
   * The user's own words (a note, the task text): a bare high-entropy value counts as a
   * secret even with no credential word beside it. Default false.
   */
  prose?: boolean;
  /** Leave the home directory as it is (a repository URL that is a local path must stay usable). Default false. */
  keepHome?: boolean;
}

/** A redacted text and the secrets replaced in it (offsets into the original text). */
export interface Redaction {
  text: string;
  ranges: SecretRange[];
}

/**
 * Replaces secrets by `[REDACTED:<rule>]` and the home directory by "~".
 *
 * Rules: secretlint's recommended preset (run through @secretlint/core), values of
 * secret-looking names (assignment-rule.ts), credentials in argument positions
 * (argument-rules.ts), PEM keys, Authorization headers, URL passwords, Stripe/Google/JWT
 * tokens (credential-rules.ts), provider token shapes from gitleaks (provider-rules.ts),
 * high-entropy values beside credential words or in prose (bare-token-rule.ts), and the
 * user's patterns.
 *
 * Contract: redact() is async because secretlint is; it never rejects for any input
 * string, keeps no state between calls and may be called concurrently. Redacting an
 * already redacted text changes nothing.
 */
export class Redactor {
  private readonly prefilter: boolean;
  private readonly scanner: SecretlintScanner;
  private readonly patterns: readonly RedactPattern[];
  private readonly replaceHome: ((text: string) => string) | undefined;

  constructor(options: Omit<RedactorOptions, "patternsFile" | "patternsFileOptional"> = {}) {
    this.prefilter = options.prefilter ?? true;
    this.scanner = new SecretlintScanner({ prefilter: options.prefilter, onWarning: options.onWarning });
    this.patterns = options.patterns ?? [];
    this.replaceHome = homeReplacer(options.home);
  }

  /** `text` with every secret replaced by its marker and the home directory by "~". */
  async redact(text: string, options: TextKind = {}): Promise<string> {
    return (await this.redactDetailed(text, options)).text;
  }

  /** Like redact(), and also which rules replaced what (one entry per replaced secret). */
  async redactDetailed(text: string, options: TextKind = {}): Promise<Redaction> {
    if (text.length === 0) return { text, ranges: [] };
    const ranges = await this.findSecrets(text, options);
    const redacted = applyRanges(text, ranges, { diff: options.diff });
    return { text: this.replaceHome && !options.keepHome ? this.replaceHome(redacted) : redacted, ranges };
  }

  /** The merged, sorted secret ranges of `text` (offsets into `text`). */
  async findSecrets(text: string, options: TextKind = {}): Promise<SecretRange[]> {
    const prose = options.prose ?? false;
    const [assignment, argument, credential, provider, bareToken, preset] = this.prefilter ? triggers.present(text) : everyFamily;
    const ranges = [
      ...(assignment ? findAssignments(text) : []),
      ...(argument ? findArguments(text) : []),
      ...(credential ? findCredentials(text) : []),
      ...(provider ? findProviderTokens(text) : []),
      // In prose a bare value needs no credential word beside it: every text is scanned.
      ...(bareToken || prose ? findBareTokens(text, { prose }) : []),
      ...findUserPatterns(text, this.patterns),
      // Without its own prefilter (an unknown preset rule) secretlint must see every text.
      ...(preset || !this.scanner.prefilter ? await this.scanner.scan(text) : []),
    ];
    return mergeRanges(ranges);
  }
}

/** The rule families' triggers, in the order findSecrets() reads them. */
const triggers = new TriggerScan([assignmentTrigger, argumentTrigger, credentialTrigger, providerTrigger, bareTokenTrigger, presetTrigger]);
const everyFamily = [true, true, true, true, true, true];

/** A Redactor with the user's patterns file loaded; rejects with an Error naming a bad file or pattern. */
export async function createRedactor(options: RedactorOptions = {}): Promise<Redactor> {
  const fromFile = options.patternsFile
    ? loadRedactPatterns(options.patternsFile, { optional: options.patternsFileOptional })
    : [];
  return new Redactor({ ...options, patterns: [...(options.patterns ?? []), ...fromFile] });
}
