import { isMarkerAt, rulePriority, type SecretRange } from "./secret-range.js";
import type { Trigger } from "./trigger-scan.js";
import { isPlaceholder, looksRandom } from "./value-shape.js";

/**
 * Credentials by their position rather than their shape: arguments of tools that take a
 * password on the command line, `set <secret-name> <value>` setters, credential headers,
 * `.netrc` and `.pgpass` entries, and tokens used as the user part of a URL.
 * Sources: the tools' own manuals (mysql(1), sshpass(1), curl(1), redis-cli, openssl
 * passphrase-options(1), keytool, ldapsearch(1), htpasswd(1), netrc(5), PostgreSQL's
 * pgpass docs) and the shapes that leaked in issue #10's acceptance run.
 */
interface ArgumentRule {
  rule: string;
  /** The rule runs only when the text holds one of these (case-insensitively when `lowerHints`). Default: always. */
  hints?: readonly string[];
  /** The rule runs only when this matches somewhere (a cheap test before an expensive pattern). Default: always. */
  pre?: RegExp;
  /** Hints are checked against the lower-cased text. Default false. */
  lowerHints?: boolean;
  /** Global, with the `d` flag; the named group `v` is the value (quotes included). */
  re: RegExp;
  /** Extra check on the unquoted value. Default: not a placeholder. */
  accept?: (value: string) => boolean;
}

/** A shell word: quoted, or up to whitespace and shell operators. */
const word = String.raw`(?<v>'[^'\n]*'|"[^"\n]*"|[^\s'";|&<>()]+)`;
/**
 * Between a tool's name and its option, on the same command. Bounded, so a line holding the
 * tool's name many times costs linear time, not quadratic (a hostile output line is 5 MB).
 */
const sameCommand = String.raw`[^\n|;&]{0,256}?\s`;

const rules: ArgumentRule[] = [
  // mysql -pSECRET (no space: with a space the next word is the database).
  { rule: "password-argument", hints: ["mysql", "mariadb"], re: new RegExp(String.raw`\b(?:mysql\w*|mariadb[\w-]*)\b${sameCommand}-p(?!\s)${word}`, "dg") },
  { rule: "password-argument", hints: ["sshpass"], re: new RegExp(String.raw`\bsshpass\b${sameCommand}-p\s*${word}`, "dg") },
  { rule: "password-argument", hints: ["redis-cli"], re: new RegExp(String.raw`\bredis-cli\b${sameCommand}-a\s+${word}`, "dg") },
  { rule: "password-argument", hints: ["login"], re: new RegExp(String.raw`\b(?:docker|podman|nerdctl|buildah|skopeo|helm)\s+(?:registry\s+)?login\b${sameCommand}-p\s+${word}`, "dg") },
  { rule: "password-argument", hints: ["mongo"], re: new RegExp(String.raw`\b(?:mongo|mongosh|mongodump|mongorestore|mongoexport|mongoimport)\b${sameCommand}-p\s+${word}`, "dg") },
  { rule: "password-argument", hints: ["sqlcmd", "bcp"], re: new RegExp(String.raw`\b(?:sqlcmd|bcp)\b${sameCommand}-P\s*${word}`, "dg") },
  { rule: "password-argument", hints: ["ldap"], re: new RegExp(String.raw`\bldap\w+\b${sameCommand}-w\s+${word}`, "dg") },
  { rule: "password-argument", hints: ["htpasswd"], re: new RegExp(String.raw`\bhtpasswd\s+(?:-\w+\s+){0,8}-\w*b\w*\s+\S+\s+\S+\s+${word}`, "dg") },
  { rule: "password-argument", hints: ["smbclient"], re: new RegExp(String.raw`\bsmbclient\b${sameCommand}-U\s+[^\s%]+%${word}`, "dg") },
  { rule: "password-argument", hints: ["storepass", "keypass", "-passin", "-passout"], re: new RegExp(String.raw`\s-(?:storepass|keypass|srcstorepass|deststorepass|srckeypass|destkeypass|passin|passout)\s+(?:pass:)?${word}`, "dg") },
  { rule: "password-argument", hints: ["pass:"], re: new RegExp(String.raw`\bpass:${word}`, "dg") },
  // curl -u user:pw, --user user:pw, --proxy-user, wget/ftp --user=…:…
  {
    rule: "password-argument",
    hints: ["-u", "-U"],
    re: /(?:^|\s)(?:-u|-U|--user|--proxy-user)(?:\s+|=)['"]?[^\s:'"$]+:(?<v>[^\s'"@]+)/dg,
    accept: (v) => !isPlaceholder(v) && !/^\d+$/.test(v),
  },
  // `aws configure set aws_secret_access_key …`, `npm config set _authToken …`, `git config github.token …`
  {
    rule: "password-argument",
    hints: ["token", "secret", "passw", "apikey", "api_key", "api-key", "accesskey", "access_key", "access-key", "privatekey", "private_key", "private-key", "credential", "auth"],
    lowerHints: true,
    re: new RegExp(
      String.raw`\b(?:set|config(?:\s+--\S+)*|add|put)\s+['"]?(?:[\w.:/-]*?)(?:token|secret|passw(?:or)?d|api[_-]?key|access[_-]?key|private[_-]?key|credentials?|auth)[\w.:-]*['"]?\s+${word}`,
      "dgi",
    ),
    // `git config credential.helper store` names a helper, not a secret.
    accept: (v) => defaultAccept(v) && !/^-/.test(v) && !/^[a-z-]+$/.test(v),
  },
  // MYSQL_PWD=…, REDISCLI_AUTH=…, *_PASS=…
  { rule: "password-argument", hints: ["_PWD=", "_PASS=", "_AUTH=", "_PASSPHRASE="], re: new RegExp(String.raw`\b[A-Z][A-Z0-9_]*_(?:PWD|PASS|AUTH|PASSPHRASE)=${word}`, "dg") },
  // Credential headers other than Authorization (credential-rules.ts has that one).
  {
    rule: "credential-header",
    // Every header name below holds "-key" or "-token", or is x-honeycomb-team.
    hints: ["-key", "-token", "x-honeycomb-team"],
    lowerHints: true,
    re: new RegExp(
      String.raw`\b(?:x-api-key|api-key|x-auth-token|auth-token|private-token|x-access-token|access-token|x-gitlab-token|x-vault-token|circle-token|x-figma-token|x-goog-api-key|x-functions-key|ocp-apim-subscription-key|x-rapidapi-key|x-shopify-access-token|x-postmark-server-token|x-dd-api-key|x-honeycomb-team)\s*:\s*${word}`,
      "dgi",
    ),
    // `apiKey: string` is a type annotation; header values carry digits or are long.
    accept: (v) => defaultAccept(v) && v.length >= 8 && (/\d/.test(v) || v.length >= 20),
  },
  // .netrc: machine host login user password pw (any whitespace, also across lines).
  { rule: "netrc", hints: ["password"], re: new RegExp(String.raw`\b(?:machine\s+\S+|default)(?:\s+(?:login|account|port)\s+\S+){0,3}\s+password\s+${word}`, "dg") },
  // .pgpass: host:port:database:user:password (a line; in a diff after its prefix).
  { rule: "pgpass", pre: /:(?:\d{1,5}|\*):[^:\s]+:[^:\s]+:/, re: /(?:^[-+ ]?|\s)[A-Za-z0-9.*_-]{1,253}:(?:\d{1,5}|\*):[^:\s]{1,256}:[^:\s]{1,256}:(?<v>\S{1,1024})$/dgm },
  // https://<token>@host: a token as the user part (GitHub, Sentry DSNs, GitLab deploy tokens).
  { rule: "url-credentials", pre: /:\/\/[^\s:@/?#[\]]{16,256}@/, re: /(?<![a-z0-9+.-])[a-z][a-z0-9+.-]{0,31}:\/\/(?<v>[^\s:@/?#[\]]{16,256})@/dgi, accept: (v) => looksRandom(v) || /^[0-9a-f]{32,}$/i.test(v) },
  // SSWS (Okta) and other token schemes without "Authorization:" in front.
  { rule: "authorization", hints: ["SSWS"], re: /\bSSWS\s+(?<v>[0-9A-Za-z_-]{30,})/dg },
];

const escape = (h: string) => h.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
/** Every hint of every rule in one case-insensitive scan; a rule runs only when one of its hints was seen. */
const allHints = [...new Set(rules.flatMap((r) => r.hints ?? []).map((h) => h.toLowerCase()))].sort((a, b) => b.length - a.length);
const hintScan = new RegExp(allHints.map(escape).join("|"), "gi");
/** A case-sensitive rule checks its own hints again (the scan above ignores case). */
const exactHints = rules.map((r) => (r.hints && !r.lowerHints ? new RegExp(r.hints.map(escape).join("|")) : undefined));

/**
 * A rule runs only when one of its hints occurs (any case) or, without hints, when its
 * `pre` matches; a rule with neither runs on every text, and so does this trigger.
 */
export const argumentTrigger: Trigger = {
  literals: allHints,
  patterns: rules.filter((r) => r.hints === undefined).map((r) => r.pre ?? /(?:)/),
};

/** Ranges of the credentials found by position in `text`. */
export function findArguments(text: string): SecretRange[] {
  const seen = new Set<string>();
  hintScan.lastIndex = 0;
  for (let m = hintScan.exec(text); m !== null; m = hintScan.exec(text)) {
    seen.add(m[0].toLowerCase());
    // From the next char, not past the match: "-keypass" holds "-key" and "keypass".
    hintScan.lastIndex = m.index + 1;
  }
  const found: SecretRange[] = [];
  for (let i = 0; i < rules.length; i++) {
    const { rule, re, accept, pre, hints } = rules[i];
    // A longer hint may have been matched where a shorter one starts ("password" holds "pass").
    if (hints && !hints.some((h) => [...seen].some((s) => s.includes(h.toLowerCase())))) continue;
    const exact = exactHints[i];
    if ((exact && !exact.test(text)) || (pre && !pre.test(text))) continue;
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      const at = m.indices?.groups?.v;
      if (!at) continue;
      let [start, end] = at;
      const q = text[start];
      if ((q === "'" || q === '"') && end - start >= 2 && text[end - 1] === q) {
        start++;
        end--;
      }
      const value = text.slice(start, end);
      if (isMarkerAt(text, start) || !(accept ?? defaultAccept)(value)) continue;
      found.push({ start, end, rule, priority: rulePriority.structural });
    }
  }
  return found;
}

/** Not a placeholder, a boolean or a tiny number. */
function defaultAccept(value: string): boolean {
  return !isPlaceholder(value) && !/^(?:true|false|yes|no|on|off|\d{1,3})$/i.test(value);
}
