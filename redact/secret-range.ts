/** A span of text [start, end) that holds a secret, and the rule that found it. */
export interface SecretRange {
  start: number;
  end: number;
  /** Rule id written into the marker: `[REDACTED:<rule>]`. */
  rule: string;
  /**
   * When ranges of different rules overlap, the label of the highest priority wins:
   * a provider-specific rule ("github") says more than a generic one ("assignment").
   */
  priority: number;
}

/** Priorities of the rule families, highest wins on overlap. */
export const rulePriority = { specific: 3, structural: 2, generic: 1 } as const;

/** The marker that replaces a secret. */
export function redactionMarker(rule: string): string {
  return `[REDACTED:${rule}]`;
}

/**
 * Merges overlapping ranges (touching ones stay apart so each keeps its marker) and
 * picks for each merged span the label of its highest-priority member.
 */
export function mergeRanges(ranges: readonly SecretRange[]): SecretRange[] {
  const sorted = ranges.filter((r) => r.end > r.start).sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: SecretRange[] = [];
  for (const r of sorted) {
    const last = merged[merged.length - 1];
    if (last && r.start < last.end) {
      last.end = Math.max(last.end, r.end);
      if (r.priority > last.priority) {
        last.rule = r.rule;
        last.priority = r.priority;
      }
    } else {
      merged.push({ ...r });
    }
  }
  return merged;
}

/** How applyRanges() keeps the line structure of what it redacts. */
export interface ApplyOptions {
  /**
   * The text is a unified diff: a secret spanning lines keeps each line's first char
   * ("+", "-", " "), so hunks keep their line counts and the patch still parses. Default false.
   */
  diff?: boolean;
}

/**
 * Replaces every range of `text` by its marker; ranges must be merged (sorted, disjoint).
 * A range spanning lines keeps its line breaks (the marker stands on its first line), so
 * line numbers, hunk counts and the lines around a secret stay as they were.
 */
export function applyRanges(text: string, merged: readonly SecretRange[], options: ApplyOptions = {}): string {
  if (merged.length === 0) return text;
  const parts: string[] = [];
  let at = 0;
  for (const r of merged) {
    parts.push(text.slice(at, r.start), replacement(text.slice(r.start, r.end), r.rule, options.diff ?? false));
    at = r.end;
  }
  parts.push(text.slice(at));
  return parts.join("");
}

function replacement(secret: string, rule: string, diff: boolean): string {
  const marker = redactionMarker(rule);
  if (!secret.includes("\n")) return marker;
  const lines = secret.split("\n");
  let out = marker;
  for (let i = 1; i < lines.length; i++) {
    const prev = lines[i - 1];
    const next = lines[i];
    const first = next.charAt(0);
    out += `${prev.endsWith("\r") ? "\r" : ""}\n${diff && (first === "+" || first === "-" || first === " ") ? first : ""}`;
  }
  return out;
}

/** True when text[start, end) already is a marker, so redacting twice changes nothing. */
export function isMarkerAt(text: string, start: number): boolean {
  return text.startsWith("[REDACTED:", start);
}
