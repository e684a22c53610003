import { rulePriority, type SecretRange } from "./secret-range.js";

/**
 * Provider token shapes that secretlint's recommended preset lacks, each with a prefix or a
 * fixed structure that ordinary text does not have. Patterns follow gitleaks' rule set
 * (config/gitleaks.toml, gitleaks v8, MIT), narrowed to their distinctive part; the rule
 * ids below are gitleaks' ids without the provider's product suffixes.
 */
const providers: ReadonlyArray<{ rule: string; re: RegExp }> = [
  { rule: "gitlab", re: /\b(?:glptt|gldt|glrt|glcbt|glft|glimt|glagent|glsoat|gloas)-[0-9A-Za-z_-]{20,}/g },
  { rule: "gitlab", re: /\bGR1348941[0-9A-Za-z_-]{20}\b/g },
  { rule: "twilio", re: /\bSK[0-9a-fA-F]{32}\b/g },
  { rule: "mailgun", re: /\bkey-[0-9a-f]{32}\b/g },
  { rule: "mailchimp", re: /\b[0-9a-f]{32}-us\d{1,2}\b/g },
  { rule: "square", re: /\b(?:EAAA|sq0atp-)[0-9A-Za-z_-]{22,60}\b/g },
  { rule: "square", re: /\bsq0csp-[0-9A-Za-z_-]{43}\b/g },
  { rule: "postman", re: /\bPMAK-[a-fA-F0-9]{24}-[a-fA-F0-9]{34}\b/g },
  { rule: "pypi", re: /\bpypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}/g },
  { rule: "digitalocean", re: /\bdo[opr]_v1_[a-f0-9]{64}\b/g },
  { rule: "sentry", re: /\bsntry[su]_[A-Za-z0-9+/=_]{40,}/g },
  { rule: "doppler", re: /\bdp\.(?:pt|st|ct|sa|scim|audit)\.[A-Za-z0-9]{40,44}\b/g },
  { rule: "telegram", re: /\b\d{8,10}:AA[0-9A-Za-z_-]{33}(?![0-9A-Za-z_-])/g },
  { rule: "age", re: /\bAGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}\b/g },
  { rule: "planetscale", re: /\bpscale_(?:tkn|pw|oauth)_[A-Za-z0-9=._-]{32,64}/g },
  { rule: "flyio", re: /\bfo1_[\w-]{43}\b/g },
  { rule: "pulumi", re: /\bpul-[a-f0-9]{40}\b/g },
  { rule: "rubygems", re: /\brubygems_[a-f0-9]{48}\b/g },
  { rule: "clojars", re: /\bCLOJARS_[a-z0-9]{60}\b/g },
  { rule: "alibaba", re: /\bLTAI[A-Za-z0-9]{20}\b/g },
  { rule: "new-relic", re: /\bNR(?:AK|II)-[A-Za-z0-9-]{27,32}\b/g },
  { rule: "dynatrace", re: /\bdt0c01\.[A-Z0-9]{24}\.[A-Z0-9]{64}\b/g },
  { rule: "easypost", re: /\bEZ[AT]K[A-Za-z0-9]{54}\b/g },
  { rule: "brevo", re: /\bxkeysib-[a-f0-9]{64}-[A-Za-z0-9]{16}\b/g },
  { rule: "airtable", re: /\bpat[A-Za-z0-9]{14}\.[a-f0-9]{64}\b/g },
  { rule: "gcp", re: /\bGOCSPX-[A-Za-z0-9_-]{28}(?![A-Za-z0-9_-])/g },
  { rule: "gcp", re: /\bya29\.[0-9A-Za-z_-]{20,}/g },
  { rule: "azure", re: /(?<![A-Za-z0-9_~.-])[A-Za-z0-9_~.]{3}\dQ~[A-Za-z0-9_~.-]{31,34}(?![A-Za-z0-9_~.-])/g },
  { rule: "azure", re: /\bAccountKey=[A-Za-z0-9+/]{86}==/g },
  { rule: "atlassian", re: /\bATATT3[A-Za-z0-9_\-=]{186}/g },
  { rule: "terraform", re: /\b[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_=-]{60,70}\b/g },
  { rule: "jfrog", re: /\bAKCp[A-Za-z0-9]{69}\b/g },
  { rule: "discord", re: /\bhttps:\/\/(?:ptb\.|canary\.)?discord(?:app)?\.com\/api\/webhooks\/\d+\/[\w-]{60,80}/g },
  { rule: "microsoft-teams", re: /\bhttps:\/\/[a-z0-9-]+\.webhook\.office\.com\/webhookb2\/[^\s'"<>]+/g },
  { rule: "mapbox", re: /\bsk\.eyJ[A-Za-z0-9_-]{50,}\.[A-Za-z0-9_-]{20,}/g },
  { rule: "anthropic", re: /\bsk-ant-(?:admin01|api03|oat01)-[\w-]{80,100}/g },
  { rule: "heroku", re: /\bHRKU-[A-Za-z0-9_-]{60}\b/g },
  { rule: "cloudflare", re: /\bv1\.0-[a-f0-9]{24}-[a-f0-9]{146}\b/g },
  { rule: "replicate", re: /\br8_[A-Za-z0-9]{37}\b/g },
  { rule: "perplexity", re: /\bpplx-[A-Za-z0-9]{48}\b/g },
  { rule: "supabase", re: /\bsbp_[a-f0-9]{40}\b/g },
  { rule: "netlify", re: /\bnfp_[A-Za-z0-9]{36}\b/g },
  { rule: "render", re: /\brnd_[A-Za-z0-9]{32}\b/g },
  { rule: "buildkite", re: /\bbkua_[a-f0-9]{40}\b/g },
  { rule: "contentful", re: /\bCFPAT-[A-Za-z0-9_-]{43}\b/g },
  { rule: "prefect", re: /\bpnu_[A-Za-z0-9]{36}\b/g },
  { rule: "sourcegraph", re: /\bsgp_(?:[a-fA-F0-9]{16}|local)_[a-fA-F0-9]{40}\b/g },
  { rule: "tailscale", re: /\btskey-(?:api|auth|client|scim|webhook)-[A-Za-z0-9]{6,}-[A-Za-z0-9]{20,}/g },
  { rule: "shippo", re: /\bshippo_(?:live|test)_[a-f0-9]{40}\b/g },
  { rule: "openai", re: /\bsk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{40,200}/g },
];

/** Names of the provider rules, for documentation and tests. */
export const providerRuleNames: readonly string[] = [...new Set(providers.map((p) => p.rule))];

/** Ranges of provider tokens in `text`. */
export function findProviderTokens(text: string): SecretRange[] {
  const found: SecretRange[] = [];
  for (const { rule, re } of providers) {
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      found.push({ start: m.index, end: m.index + m[0].length, rule, priority: rulePriority.specific });
    }
  }
  return found;
}
