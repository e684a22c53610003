import { lintSource } from "@secretlint/core";
import { creator as recommendedPreset } from "@secretlint/secretlint-rule-preset-recommend";
import type { SecretLintCoreConfig, SecretLintCoreResultMessage, SecretLintRuleCreator } from "@secretlint/types";
import { findAnchorSpans, shortRuleId, unknownPresetRules, type Span } from "./preset-anchors.js";
import { scanWindows } from "./scan-windows.js";
import { disableSecretlintProfiler } from "./secretlint-profiler-off.js";
import { rulePriority, type SecretRange } from "./secret-range.js";

/** Options of new SecretlintScanner(). */
export interface SecretlintScannerOptions {
  /**
   * Run secretlint only on windows around anchors (see preset-anchors.ts). Default true;
   * forced off when the installed preset has a rule the anchor table does not know.
   */
  prefilter?: boolean;
  /** Largest window handed to one lintSource() call. Default 16 KiB. */
  maxWindow?: number;
  /** Told once when the prefilter had to be turned off. */
  onWarning?: (message: string) => void;
}

// Before any lintSource() runs in this process: a mark switched off mid-call would leave
// the profiler's pending measures pointing at marks that never come.
disableSecretlintProfiler();

/**
 * The recommended preset's rules as one lintSource() config, each registered on its own:
 * @secretlint/core ignores `disabled` for rules inside a preset, and the comment filter
 * must be off so that a `secretlint-disable` string inside recorded output cannot hide a
 * secret. AWS access key ids are scanned too (off by default in the preset).
 */
export const secretlintConfig: SecretLintCoreConfig = {
  rules: recommendedPreset.rules
    .filter((rule) => rule.meta.id !== "@secretlint/secretlint-rule-filter-comments")
    .map((rule) => ({
      id: rule.meta.id,
      rule: rule as SecretLintRuleCreator,
      options: rule.meta.id === "@secretlint/secretlint-rule-aws" ? { enableIDScanRule: true } : {},
    })),
};

/** Finds what secretlint's recommended preset finds, fast on long and on dense text. */
export class SecretlintScanner {
  /** Whether scan() looks only around anchors; when false it scans every text whole. */
  readonly prefilter: boolean;
  private readonly maxWindow: number;

  constructor(options: SecretlintScannerOptions = {}) {
    const unknown = unknownPresetRules(recommendedPreset.rules.map((r) => r.meta.id));
    if (unknown.length > 0 && options.prefilter !== false) {
      options.onWarning?.(
        `secretlint preset has rules the redaction prefilter does not know (${unknown.join(", ")}): every text is fully scanned, which is slower`,
      );
    }
    this.prefilter = (options.prefilter ?? true) && unknown.length === 0;
    this.maxWindow = options.maxWindow ?? 16 * 1024;
  }

  /** Ranges of every secret the preset reports in `text`. */
  async scan(text: string): Promise<SecretRange[]> {
    const spans = this.prefilter ? findAnchorSpans(text) : everywhere(text, this.maxWindow);
    if (spans.length === 0) return [];
    const ranges: SecretRange[] = [];
    for (const w of scanWindows(text, spans, { maxWindow: this.maxWindow })) {
      const slice = text.slice(w.start, w.end);
      // secretlint drops a leading BOM, which shifts its ranges by one.
      const offset = w.start + (slice.charCodeAt(0) === 0xfeff ? 1 : 0);
      const result = await lintSource({
        // No file path: the npm rule then also checks for GitHub x-oauth-basic URLs.
        source: { content: slice, filePath: "", contentType: "text", ext: ".txt" },
        options: { config: secretlintConfig, noPhysicFilePath: true },
      });
      for (const m of result.messages) ranges.push(toRange(text, m, offset));
    }
    return ranges;
  }
}

/** Without the prefilter: the whole text as overlapping spans, so none is cut apart. */
function everywhere(text: string, maxWindow: number): Span[] {
  const step = Math.max(1024, Math.floor(maxWindow / 2));
  const spans: Span[] = [];
  for (let at = 0; at < text.length; at += step) spans.push({ start: at, end: Math.min(text.length, at + 2 * step) });
  return spans;
}

const valueKeys = ["KEY", "TOKEN", "ID", "URI", "CREDENTIAL", "URL"];

/**
 * The exact range of the secret. Some rules report a range that starts at the match but
 * has the length of a captured group (AWS secret access key, npm x-oauth token); the
 * reported value itself is in the message data, so it is located from the range start.
 * Credentials inside URLs are narrowed to the password so host and path stay readable.
 */
function toRange(text: string, m: SecretLintCoreResultMessage, offset: number): SecretRange {
  let start = m.range[0] + offset;
  let end = m.range[1] + offset;
  const data = (m.data ?? {}) as Record<string, unknown>;
  const value = valueKeys.map((k) => data[k]).find((v): v is string => typeof v === "string" && v.length > 0);
  if (value !== undefined && text.slice(start, start + value.length) !== value) {
    const at = text.indexOf(value, start);
    if (at >= 0 && at - start < 4096) {
      start = at;
      end = at + value.length;
    }
  }
  const password = urlPassword(text, start, end);
  if (password) [start, end] = password;
  return { start, end, rule: shortRuleId(m.ruleId), priority: rulePriority.specific };
}

const userinfo = /\/\/[^:/\s@]*:([^@/\s]+)@/d;

function urlPassword(text: string, start: number, end: number): [number, number] | undefined {
  const m = userinfo.exec(text.slice(start, end));
  const at = m?.indices?.[1];
  return at ? [start + at[0], start + at[1]] : undefined;
}
