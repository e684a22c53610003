import { rulePriority, type SecretRange } from "./secret-range.js";
import type { Trigger } from "./trigger-scan.js";

/**
 * Provider token shapes that secretlint's recommended preset lacks, each with a prefix or a
 * fixed structure that ordinary text does not have. Patterns follow gitleaks' rule set
 * (config/gitleaks.toml, gitleaks v8, MIT), narrowed to their distinctive part; the rule
 * ids below are gitleaks' ids without the provider's product suffixes.
 *
 * Each pattern has hints: literals one of which every match contains. A pattern runs only
 * on text holding one of its hints (String.includes is far cheaper than fifty regex scans).
 */
const providers: ReadonlyArray<{ rule: string; hints: readonly string[]; re: RegExp }> = [
  { rule: "gitlab", hints: ["glptt-", "gldt-", "glrt-", "glcbt-", "glft-", "glimt-", "glagent-", "glsoat-", "gloas-"], re: /\b(?:glptt|gldt|glrt|glcbt|glft|glimt|glagent|glsoat|gloas)-[0-9A-Za-z_-]{20,}/g },
  { rule: "gitlab", hints: ["GR1348941"], re: /\bGR1348941[0-9A-Za-z_-]{20}\b/g },
  { rule: "twilio", hints: ["SK"], re: /\bSK[0-9a-fA-F]{32}\b/g },
  { rule: "mailgun", hints: ["key-"], re: /\bkey-[0-9a-f]{32}\b/g },
  { rule: "mailchimp", hints: ["-us"], re: /\b[0-9a-f]{32}-us\d{1,2}\b/g },
  { rule: "square", hints: ["EAAA", "sq0atp-"], re: /\b(?:EAAA|sq0atp-)[0-9A-Za-z_-]{22,60}\b/g },
  { rule: "square", hints: ["sq0csp-"], re: /\bsq0csp-[0-9A-Za-z_-]{43}\b/g },
  { rule: "postman", hints: ["PMAK-"], re: /\bPMAK-[a-fA-F0-9]{24}-[a-fA-F0-9]{34}\b/g },
  { rule: "pypi", hints: ["pypi-AgEI"], re: /\bpypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}/g },
  { rule: "digitalocean", hints: ["_v1_"], re: /\bdo[opr]_v1_[a-f0-9]{64}\b/g },
  { rule: "sentry", hints: ["sntry"], re: /\bsntry[su]_[A-Za-z0-9+/=_]{40,}/g },
  { rule: "doppler", hints: ["dp."], re: /\bdp\.(?:pt|st|ct|sa|scim|audit)\.[A-Za-z0-9]{40,44}\b/g },
  { rule: "telegram", hints: [":AA"], re: /\b\d{8,10}:AA[0-9A-Za-z_-]{33}(?![0-9A-Za-z_-])/g },
  { rule: "age", hints: ["AGE-SECRET-KEY-1"], re: /\bAGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}\b/g },
  { rule: "planetscale", hints: ["pscale_"], re: /\bpscale_(?:tkn|pw|oauth)_[A-Za-z0-9=._-]{32,64}/g },
  { rule: "flyio", hints: ["fo1_"], re: /\bfo1_[\w-]{43}\b/g },
  { rule: "pulumi", hints: ["pul-"], re: /\bpul-[a-f0-9]{40}\b/g },
  { rule: "rubygems", hints: ["rubygems_"], re: /\brubygems_[a-f0-9]{48}\b/g },
  { rule: "clojars", hints: ["CLOJARS_"], re: /\bCLOJARS_[a-z0-9]{60}\b/g },
  { rule: "alibaba", hints: ["LTAI"], re: /\bLTAI[A-Za-z0-9]{20}\b/g },
  { rule: "new-relic", hints: ["NRAK-", "NRII-"], re: /\bNR(?:AK|II)-[A-Za-z0-9-]{27,32}\b/g },
  { rule: "dynatrace", hints: ["dt0c01."], re: /\bdt0c01\.[A-Z0-9]{24}\.[A-Z0-9]{64}\b/g },
  { rule: "easypost", hints: ["EZAK", "EZTK"], re: /\bEZ[AT]K[A-Za-z0-9]{54}\b/g },
  { rule: "brevo", hints: ["xkeysib-"], re: /\bxkeysib-[a-f0-9]{64}-[A-Za-z0-9]{16}\b/g },
  { rule: "airtable", hints: ["pat"], re: /\bpat[A-Za-z0-9]{14}\.[a-f0-9]{64}\b/g },
  { rule: "gcp", hints: ["GOCSPX-"], re: /\bGOCSPX-[A-Za-z0-9_-]{28}(?![A-Za-z0-9_-])/g },
  { rule: "gcp", hints: ["ya29."], re: /\bya29\.[0-9A-Za-z_-]{20,}/g },
  { rule: "azure", hints: ["Q~"], re: /(?<![A-Za-z0-9_~.-])[A-Za-z0-9_~.]{3}\dQ~[A-Za-z0-9_~.-]{31,34}(?![A-Za-z0-9_~.-])/g },
  { rule: "azure", hints: ["AccountKey="], re: /\bAccountKey=[A-Za-z0-9+/]{86}==/g },
  { rule: "atlassian", hints: ["ATATT3"], re: /\bATATT3[A-Za-z0-9_\-=]{186}/g },
  { rule: "terraform", hints: [".atlasv1."], re: /\b[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_=-]{60,70}\b/g },
  { rule: "jfrog", hints: ["AKCp"], re: /\bAKCp[A-Za-z0-9]{69}\b/g },
  { rule: "discord", hints: ["/api/webhooks/"], re: /\bhttps:\/\/(?:ptb\.|canary\.)?discord(?:app)?\.com\/api\/webhooks\/\d+\/[\w-]{60,80}/g },
  { rule: "microsoft-teams", hints: [".webhook.office.com"], re: /\bhttps:\/\/[a-z0-9-]+\.webhook\.office\.com\/webhookb2\/[^\s'"<>]+/g },
  { rule: "mapbox", hints: ["sk.eyJ"], re: /\bsk\.eyJ[A-Za-z0-9_-]{50,}\.[A-Za-z0-9_-]{20,}/g },
  { rule: "anthropic", hints: ["sk-ant-"], re: /\bsk-ant-(?:admin01|api03|oat01)-[\w-]{80,100}/g },
  { rule: "heroku", hints: ["HRKU-"], re: /\bHRKU-[A-Za-z0-9_-]{60}\b/g },
  { rule: "cloudflare", hints: ["v1.0-"], re: /\bv1\.0-[a-f0-9]{24}-[a-f0-9]{146}\b/g },
  { rule: "replicate", hints: ["r8_"], re: /\br8_[A-Za-z0-9]{37}\b/g },
  { rule: "perplexity", hints: ["pplx-"], re: /\bpplx-[A-Za-z0-9]{48}\b/g },
  { rule: "supabase", hints: ["sbp_"], re: /\bsbp_[a-f0-9]{40}\b/g },
  { rule: "netlify", hints: ["nfp_"], re: /\bnfp_[A-Za-z0-9]{36}\b/g },
  { rule: "render", hints: ["rnd_"], re: /\brnd_[A-Za-z0-9]{32}\b/g },
  { rule: "buildkite", hints: ["bkua_"], re: /\bbkua_[a-f0-9]{40}\b/g },
  { rule: "contentful", hints: ["CFPAT-"], re: /\bCFPAT-[A-Za-z0-9_-]{43}\b/g },
  { rule: "prefect", hints: ["pnu_"], re: /\bpnu_[A-Za-z0-9]{36}\b/g },
  { rule: "sourcegraph", hints: ["sgp_"], re: /\bsgp_(?:[a-fA-F0-9]{16}|local)_[a-fA-F0-9]{40}\b/g },
  { rule: "tailscale", hints: ["tskey-"], re: /\btskey-(?:api|auth|client|scim|webhook)-[A-Za-z0-9]{6,}-[A-Za-z0-9]{20,}/g },
  { rule: "shippo", hints: ["shippo_"], re: /\bshippo_(?:live|test)_[a-f0-9]{40}\b/g },
  { rule: "openai", hints: ["sk-proj-", "sk-svcacct-", "sk-admin-"], re: /\bsk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{40,200}/g },
];

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
/** Every hint, longest first, in one regex: clean text costs one scan for all fifty patterns. */
const allHints = [...new Set(providers.flatMap((p) => p.hints))].sort((a, b) => b.length - a.length);
const hintScan = new RegExp(allHints.map(escape).join("|"), "g");
/** Which providers each hint wakes up: also those whose hint it contains (a longer hint wins the scan). */
const byHint = new Map(allHints.map((h) => [h, providers.filter((p) => p.hints.some((ph) => h.includes(ph)))]));

/** A provider pattern runs only when the scan above saw one of its hints. */
export const providerTrigger: Trigger = { literals: allHints, caseSensitive: true };

/** Names of the provider rules, for documentation and tests. */
export const providerRuleNames: readonly string[] = [...new Set(providers.map((p) => p.rule))];

/** Ranges of provider tokens in `text`. */
export function findProviderTokens(text: string): SecretRange[] {
  const woken = new Set<(typeof providers)[number]>();
  hintScan.lastIndex = 0;
  for (let m = hintScan.exec(text); m !== null; m = hintScan.exec(text)) {
    for (const p of byHint.get(m[0]) ?? []) woken.add(p);
    if (woken.size === providers.length) break;
    // From the next char, not past the hint: a hint may start inside another ("AKCpat…").
    hintScan.lastIndex = m.index + 1;
  }
  const found: SecretRange[] = [];
  for (const { rule, re } of woken) {
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      found.push({ start: m.index, end: m.index + m[0].length, rule, priority: rulePriority.specific });
    }
  }
  return found;
}
