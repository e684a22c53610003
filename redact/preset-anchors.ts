import type { Trigger } from "./trigger-scan.js";

/**
 * The prefilter in front of secretlint. Every pattern of
 * @secretlint/secretlint-rule-preset-recommend contains a literal (or a tiny regex) that
 * any of its matches must contain: its anchor. Text without an anchor cannot hold a
 * match, so secretlint only runs on windows around anchors. Each anchor also says how
 * far a match can reach from it (its span), which is what makes the windows exact.
 *
 * When the preset grows a rule this table does not know, `unknownPresetRules()` names it
 * and the scanner stops trusting the prefilter (see secretlint-scanner.ts).
 */

/** How far a match can extend around its anchor. */
export type SpanKind =
  /** No whitespace inside a match and at most MAX_TOKEN_MATCH chars long. */
  | "token"
  /** `name <spaces> = <spaces> value` where the spaces may include newlines (AWS). */
  | "assignment"
  /** The match starts up to 270 chars before the anchor on the same line (npm x-oauth). */
  | "before"
  /** A PEM block: up to ~10 000 chars after the BEGIN line. */
  | "pem";

interface Anchor {
  /** Short rule id, as in "@secretlint/secretlint-rule-<id>". */
  rule: string;
  source: string;
  /** One of these is in every match of `source` (any case): "A3T" in each "A3T[A-Z0-9]". */
  literals: string[];
  kind: SpanKind;
  ignoreCase?: boolean;
}

/** Longest match any token-kind pattern of the preset can produce (1Password: ~1 300). */
export const MAX_TOKEN_MATCH = 1536;
/** Chars kept around a token anchor inside a long whitespace-free run; > MAX_TOKEN_MATCH. */
export const TOKEN_MARGIN = 2048;

const anchors: Anchor[] = [
  { rule: "aws", source: "A3T[A-Z0-9]|AKIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|ASIA", literals: ["A3T", "AKIA", "AGPA", "AIDA", "AROA", "AIPA", "ANPA", "ANVA", "ASIA"], kind: "token" },
  { rule: "aws", source: "secret_?access_?key|account", literals: ["secret", "account"], kind: "assignment", ignoreCase: true },
  { rule: "privatekey", source: "PRIVATE KEY", literals: ["PRIVATE KEY"], kind: "pem" },
  { rule: "npm", source: "npm_", literals: ["npm_"], kind: "token" },
  { rule: "npm", source: ":x-oauth-basic@github\\.com/", literals: [":x-oauth-basic@github.com/"], kind: "before" },
  { rule: "basicauth", source: ":\\/\\/[-a-zA-Z0-9_]{1,256}:[-a-zA-Z0-9_]{1,256}@", literals: ["://"], kind: "token" },
  { rule: "slack", source: "xox[bpaor]-|xapp-", literals: ["xox", "xapp-"], kind: "token" },
  { rule: "slack", source: "hooks\\.slack\\.com", literals: ["hooks.slack.com"], kind: "token", ignoreCase: true },
  { rule: "sendgrid", source: "SG\\.", literals: ["SG."], kind: "token" },
  { rule: "shopify", source: "shp(?:pa|ca|at|ss)_", literals: ["shp"], kind: "token" },
  { rule: "github", source: "gh[pousr]_|github_pat_", literals: ["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"], kind: "token" },
  { rule: "gitlab", source: "glpat-", literals: ["glpat-"], kind: "token" },
  { rule: "grafana", source: "glc_|glsa_", literals: ["glc_", "glsa_"], kind: "token" },
  // Both alternatives of the OpenAI pattern contain the base64 of "OpenAI".
  { rule: "openai", source: "T3BlbkFJ", literals: ["T3BlbkFJ"], kind: "token" },
  { rule: "anthropic", source: "sk-ant-api0", literals: ["sk-ant-api0"], kind: "token" },
  { rule: "groq", source: "gsk_", literals: ["gsk_"], kind: "token" },
  { rule: "huggingface", source: "hf_", literals: ["hf_"], kind: "token" },
  { rule: "linear", source: "lin_api_", literals: ["lin_api_"], kind: "token" },
  { rule: "notion", source: "ntn_", literals: ["ntn_"], kind: "token" },
  { rule: "1password", source: "ops_ey", literals: ["ops_ey"], kind: "token" },
  {
    rule: "database-connection-string",
    source: "(?:mongodb(?:\\+srv)?|mysqlx?|postgres(?:ql)?):\\/\\/",
    literals: ["://"],
    kind: "token",
    ignoreCase: true,
  },
  { rule: "hashicorp-vault", source: "hv[sbr]\\.", literals: ["hvs.", "hvb.", "hvr."], kind: "token" },
  { rule: "vercel", source: "vc[pirak]_", literals: ["vcp_", "vci_", "vcr_", "vca_", "vck_"], kind: "token" },
  { rule: "databricks", source: "dapi", literals: ["dapi"], kind: "token" },
  { rule: "docker", source: "dckr_pat_", literals: ["dckr_pat_"], kind: "token" },
  { rule: "figma", source: "figd_", literals: ["figd_"], kind: "token" },
];

/**
 * Preset rules that need no anchor here: gcp only looks at .json/.p12 files (the scanner
 * lints text as ".txt"), and filter-comments is disabled so that text cannot switch
 * redaction off with a `secretlint-disable` comment.
 */
const anchorless = new Set(["gcp", "filter-comments"]);

/**
 * The anchors' literals: a text holding none of them has no anchor, and secretlint finds
 * nothing in it.
 */
export const presetTrigger: Trigger = { literals: anchors.flatMap((a) => a.literals) };

/** Short ids of the preset rules this table covers. */
export const anchoredPresetRules: ReadonlySet<string> = new Set([...anchors.map((a) => a.rule), ...anchorless]);

/** Preset rule ids (short form) that this table does not know, in the installed preset. */
export function unknownPresetRules(presetRuleIds: readonly string[]): string[] {
  return presetRuleIds.map(shortRuleId).filter((id) => !anchoredPresetRules.has(id));
}

/** "@secretlint/secretlint-rule-github" → "github". */
export function shortRuleId(ruleId: string): string {
  return ruleId.replace(/^@secretlint\/secretlint-rule-/, "");
}

/** A region that must lie wholly inside one secretlint window. */
export interface Span {
  start: number;
  end: number;
}

const kinds: SpanKind[] = ["token", "assignment", "before", "pem"];
const scanners = kinds.flatMap((kind) =>
  [false, true].flatMap((ignoreCase) => {
    const sources = anchors.filter((a) => a.kind === kind && (a.ignoreCase ?? false) === ignoreCase).map((a) => a.source);
    return sources.length === 0 ? [] : [{ kind, re: new RegExp(sources.join("|"), ignoreCase ? "gi" : "g") }];
  }),
);

/** Spans around every anchor in `text`, unsorted. */
export function findAnchorSpans(text: string): Span[] {
  const spans: Span[] = [];
  for (const { kind, re } of scanners) {
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      spans.push(spanOf(text, kind, m.index, m.index + m[0].length));
    }
  }
  return spans;
}

const assignmentTail = /[_A-Za-z]{0,3}["']?\s*(?::|=>|=)?\s*["']?[A-Za-z0-9/+=-]{0,48}["']?/y;

function spanOf(text: string, kind: SpanKind, start: number, end: number): Span {
  switch (kind) {
    case "token":
      return { start: runStart(text, start), end: runEnd(text, end) };
    case "assignment": {
      assignmentTail.lastIndex = end;
      const tail = assignmentTail.exec(text);
      return { start: Math.max(0, start - 16), end: Math.min(text.length, end + (tail?.[0].length ?? 0) + 2) };
    }
    case "before":
      return { start: Math.max(0, start - 280), end: Math.min(text.length, end + 8) };
    case "pem":
      return { start: Math.max(0, start - 40), end: Math.min(text.length, end + 10_200) };
  }
}

/** Start of the whitespace-free run holding `at`, but no further than TOKEN_MARGIN back. */
function runStart(text: string, at: number): number {
  const limit = Math.max(0, at - TOKEN_MARGIN);
  let i = at;
  while (i > limit && !isSpace(text.charCodeAt(i - 1))) i--;
  return i;
}

function runEnd(text: string, at: number): number {
  const limit = Math.min(text.length, at + TOKEN_MARGIN);
  let i = at;
  while (i < limit && !isSpace(text.charCodeAt(i))) i++;
  return i;
}

/** Whitespace as far as the preset's patterns are concerned: they never match across it. */
export function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0x2028 || c === 0x2029 || c === 0xfeff;
}
