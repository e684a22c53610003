import { isMarkerAt, rulePriority, type SecretRange } from "./secret-range.js";
import type { Trigger } from "./trigger-scan.js";

/**
 * Secrets whose shape is known but that the recommended preset leaves out or only
 * catches in part: PEM private keys without a valid body (cut outputs, encrypted keys),
 * credentials in Authorization headers and URLs, Stripe, Google API keys and JWTs.
 */
export function findCredentials(text: string): SecretRange[] {
  return [...findPrivateKeys(text), ...findAuthorization(text), ...findUrlPasswords(text), ...findTokens(text)];
}

/**
 * One of these is in every match of the patterns below: "PRIVATE KEY" (pemBegin),
 * "authorization" and "bearer" (authorization, bearer), "://" (urlPassword), and each
 * token's prefix.
 */
export const credentialTrigger: Trigger = {
  literals: ["PRIVATE KEY", "authorization", "bearer", "://", "sk_live_", "sk_test_", "rk_live_", "rk_test_", "whsec_", "AIza", "eyJ"],
};

const pemBegin = /-----BEGIN ([A-Z0-9]+ )*PRIVATE KEY( BLOCK)?-----/g;
/** In a diff the END line may be a removed, added or context line: its prefix goes too. */
const pemEnd = /(?:[-+ ](?=-----END))?-----END ([A-Z0-9]+ )*PRIVATE KEY( BLOCK)?-----/y;
/**
 * A key body: base64 lines, also inside JSON strings where newlines are written "\n",
 * and inside a diff, where removed lines start with "-" (but the END line does not count).
 */
const pemBody = /(?:\n-(?!----)|[A-Za-z0-9+/=\s]|\\[nr]|[A-Za-z-]+: [^\n]*\n)*/y;

/**
 * The whole block from BEGIN to END; when the END line is missing (the middle of a long
 * output was cut), everything that still looks like the key body.
 */
function findPrivateKeys(text: string): SecretRange[] {
  const found: SecretRange[] = [];
  pemBegin.lastIndex = 0;
  for (let m = pemBegin.exec(text); m !== null; m = pemBegin.exec(text)) {
    pemBody.lastIndex = m.index + m[0].length;
    const body = pemBody.exec(text);
    let end = pemBody.lastIndex;
    if (body && body[0].length > 64 * 1024) end = m.index + m[0].length + 64 * 1024;
    pemEnd.lastIndex = end;
    if (pemEnd.exec(text)) end = pemEnd.lastIndex;
    found.push({ start: m.index, end, rule: "private-key", priority: rulePriority.specific });
    pemBegin.lastIndex = end;
  }
  return found;
}

/**
 * `Authorization: Bearer …`, `Authorization: Basic …`, `Authorization: token …` (and the
 * proxy variant), plus a bare `Bearer <token>` anywhere (curl -H, logged headers).
 */
const authorization =
  /\b(?:proxy-)?authorization["']?\s*[:=]\s*["']?((?:bearer|basic|token|digest|negotiate|ntlm)\s+)?([^\s"',;]+)/dgi;
const bearer = /\bbearer\s+([A-Za-z0-9\-._~+/]{8,}=*)/dgi;

function findAuthorization(text: string): SecretRange[] {
  const found: SecretRange[] = [];
  authorization.lastIndex = 0;
  for (let m = authorization.exec(text); m !== null; m = authorization.exec(text)) {
    const at = m.indices?.[2];
    // With a scheme the value is a credential whatever it looks like ("Basic dXNlcjpw").
    if (at && !isMarkerAt(text, at[0]) && (m[1] !== undefined || looksLikeToken(m[2] ?? ""))) {
      found.push({ start: at[0], end: at[1], rule: "authorization", priority: rulePriority.structural });
    }
  }
  return [...found, ...groupRanges(text, bearer, "bearer").filter((r) => looksLikeToken(text.slice(r.start, r.end)))];
}

/** Prose has words after "bearer"/"authorization:"; tokens are long or carry digits and symbols. */
function looksLikeToken(value: string): boolean {
  return value.length >= 16 || (value.length >= 8 && /[0-9._~+/=-]/.test(value));
}

/**
 * `scheme://user:password@host`: the password goes, user and host stay. "[" and "]" may
 * not appear unencoded in userinfo (RFC 3986), and leaving them out keeps markers intact.
 */
const urlPassword = /:\/\/[^\s:@/?#[\]]*:([^\s@/?#[\]]+)@/dg;

function findUrlPasswords(text: string): SecretRange[] {
  return groupRanges(text, urlPassword, "url-credentials", rulePriority.structural).filter(
    (r) => !text.startsWith("${", r.start),
  );
}

const tokens: Array<{ rule: string; re: RegExp }> = [
  { rule: "stripe", re: /\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,247}\b/g },
  { rule: "stripe", re: /\bwhsec_[A-Za-z0-9+/]{24,}/g },
  { rule: "google-api-key", re: /\bAIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])/g },
  { rule: "jwt", re: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g },
];

function findTokens(text: string): SecretRange[] {
  const found: SecretRange[] = [];
  for (const { rule, re } of tokens) {
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      found.push({ start: m.index, end: m.index + m[0].length, rule, priority: rulePriority.specific });
    }
  }
  return found;
}

/** Ranges of capture group 1 of a global regex with the `d` flag, skipping existing markers. */
function groupRanges(text: string, re: RegExp, rule: string, priority: number = rulePriority.structural): SecretRange[] {
  const found: SecretRange[] = [];
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const at = m.indices?.[1];
    if (at && !isMarkerAt(text, at[0])) found.push({ start: at[0], end: at[1], rule, priority });
  }
  return found;
}
