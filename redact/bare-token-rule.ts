import { isMarkerAt, rulePriority, type SecretRange } from "./secret-range.js";
import type { Trigger } from "./trigger-scan.js";
import { isUuid, looksRandom, looksRandomHex } from "./value-shape.js";

/** Name of the rule in markers. */
export const bareTokenRule = "high-entropy";

/** A run of token chars; the boundaries are checked by hand (no look-behind cost). */
// Plain `+` runs, length checked in code: a counted {16,512} costs ~20x more per position.
const candidate = /[A-Za-z0-9_\-+/.~]+={0,2}/g;
/** In prose a pasted password may also hold the symbols password generators use. */
const proseCandidate = /[A-Za-z0-9_\-+/.~!#%^*&$?]+={0,2}/g;

/** Words that make the value beside them a credential. */
const credentialWord =
  /(?:token|secret|passw(?:or)?d|passwd|pwd|passphrase|api[-_ ]?key|apikey|access[-_ ]?key|private[-_ ]?key|credential|auth\w*|bearer|client[-_ ]?secret|cookie|session[-_ ]?id|signing[-_ ]?key|\bkey\b|\bpat\b)/i;

const credentialWordGlobal = new RegExp(credentialWord.source, "gi");

/** Outside prose, every match of `credentialWord` holds one of these (prose needs none: every text is scanned). */
export const bareTokenTrigger: Trigger = {
  literals: ["token", "secret", "passw", "pwd", "passphrase", "key", "credential", "auth", "bearer", "cookie", "session", "pat"],
};

/** Words that make a hex value beside them a hash the developer talks about. */
const hashWord =
  /(?:commit|\bsha\w*|hash|digest|checksum|revision|\brev\b|etag|fingerprint|object|blob|\btree\b|cherry-pick|rebase|bisect|merge|git\s+\w+|image|layer|@sha|md5|crc|build|version|release|tag)/i;

/** Build outputs and downloads: `main.8f3a2b1c9d4e5f60.js`, `app-3f9c2a1d.tar.gz`. */
const fileName = /\.(?:js|mjs|cjs|css|map|ts|py|json|html?|txt|log|png|jpe?g|svg|gif|woff2?|tar|gz|tgz|zip|whl|so|dll|exe|jar|lock|ya?ml|md)$/i;

/** Options of findBareTokens(). */
export interface BareTokenOptions {
  /** The user's own words: a random-looking value counts without a credential word beside it. */
  prose: boolean;
}

/**
 * High-entropy values that stand alone: beside a credential word on the same line
 * ("my key is …", "token …"), or anywhere in prose (a note, the task text). Hex values are
 * hashes unless a credential word is near and no hash word is (commit shas, content hashes,
 * image digests stay); UUIDs only count right after a credential word.
 */
export function findBareTokens(text: string, options: BareTokenOptions): SecretRange[] {
  if (options.prose) return scan(text, proseCandidate, 0, text.length, true);
  // Outside prose a value counts only within 48 chars after a credential word: scan only there.
  const found: SecretRange[] = [];
  let scannedTo = 0;
  credentialWordGlobal.lastIndex = 0;
  for (let w = credentialWordGlobal.exec(text); w !== null; w = credentialWordGlobal.exec(text)) {
    const from = Math.max(scannedTo, w.index + w[0].length);
    const to = Math.min(text.length, w.index + w[0].length + 48);
    if (from < to) found.push(...scan(text, candidate, from, to, false));
    scannedTo = Math.max(scannedTo, to);
  }
  return found;
}

/** Candidates starting in [from, to) (they may run past `to`). */
function scan(text: string, re: RegExp, from: number, to: number, prose: boolean): SecretRange[] {
  const found: SecretRange[] = [];
  // Back up to the start of a run `from` falls into, so a value is seen whole and once; and
  // look only at a slice, so each window costs its own length however long the text is.
  let base = from;
  while (base > 0 && base > from - 512 && /[A-Za-z0-9_\-+/.~]/.test(text[base - 1])) base--;
  const slice = prose ? text : text.slice(base, Math.min(text.length, to + 514));
  const offset = prose ? 0 : base;
  re.lastIndex = prose ? from : 0;
  for (let m = re.exec(slice); m !== null && m.index + offset < to; m = re.exec(slice)) {
    if (m[0].length < (prose ? 12 : 16) || m[0].length > 514) continue;
    let start = m.index + offset;
    let end = start + m[0].length;
    if (start > 0 && /[A-Za-z0-9_\-+/.~@%$\\]/.test(text[start - 1])) continue; // part of something longer
    if (end < text.length && /[A-Za-z0-9%@\\]/.test(text[end])) continue;
    // Sentence punctuation after the value is not part of it.
    while (end > start && /[.~?!-]/.test(text[end - 1])) end--;
    while (start < end && /[.~?!-]/.test(text[start])) start++;
    const value = text.slice(start, end);
    if (isMarkerAt(text, start) || !isSecretValue(text, start, value, prose)) continue;
    found.push({ start, end, rule: bareTokenRule, priority: rulePriority.generic });
  }
  return found;
}

function isSecretValue(text: string, start: number, value: string, prose: boolean): boolean {
  // The 48 chars before the value on its line (never a scan back to the line start: lines can be 5 MB).
  const window = text.slice(Math.max(0, start - 48), start);
  const before = window.slice(window.lastIndexOf("\n") + 1);
  if (/sha\d+[-:]$|@$|\b(?:integrity|sri)\b/i.test(before)) return false; // sha512-…, image@sha256:…
  const nearWord = credentialWord.test(before);
  if (fileName.test(value) || value.includes("..")) return false; // files, git ranges (4b825dc..HEAD)
  if (looksRandom(value, prose ? 12 : 16)) return prose || nearWord;
  if (!nearWord) return false;
  if (isUuid(value)) return /(?:key|token|secret)\W{0,3}(?:is|:|=)?\W{0,3}$/i.test(before);
  return looksRandomHex(value) && !hashWord.test(before);
}
