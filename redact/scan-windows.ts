import { isSpace, TOKEN_MARGIN, type Span } from "./preset-anchors.js";

/** Options of scanWindows(). */
export interface ScanWindowOptions {
  /**
   * Spans are packed into one window while it stays below this many chars. secretlint's
   * message post-processing is quadratic in the number of findings per call, so dense
   * text must be cut into many small calls. Default 16 KiB.
   */
  maxWindow?: number;
  /** Spans closer than this share a window, to save calls. Default 1 KiB. */
  joinGap?: number;
}

/**
 * Turns anchor spans into the windows secretlint runs on. Guarantees, for spans that
 * cover their matches (see preset-anchors.ts):
 * - every span lies wholly inside at least one window (windows may overlap);
 * - a window edge sits just after/before a whitespace char when one lies within
 *   TOKEN_MARGIN of the span, so look-behinds and \b see the same context as in the
 *   whole text; otherwise the span itself already carries TOKEN_MARGIN of context.
 */
export function scanWindows(text: string, spans: readonly Span[], options: ScanWindowOptions = {}): Span[] {
  const maxWindow = options.maxWindow ?? 16 * 1024;
  const joinGap = options.joinGap ?? 1024;
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  const windows: Span[] = [];
  let cur: Span | undefined;
  for (const s of sorted) {
    if (cur && s.start <= cur.end + joinGap && Math.max(cur.end, s.end) - cur.start <= maxWindow) {
      cur.end = Math.max(cur.end, s.end);
      continue;
    }
    if (cur) windows.push(cur);
    cur = { start: s.start, end: s.end };
  }
  if (cur) windows.push(cur);
  return windows.map((w) => ({ start: cutBefore(text, w.start), end: cutAfter(text, w.end) }));
}

/** A window start at or before `at`, right after a whitespace char if one is near. */
function cutBefore(text: string, at: number): number {
  const limit = Math.max(0, at - TOKEN_MARGIN);
  for (let i = at; i > limit; i--) if (isSpace(text.charCodeAt(i - 1))) return i;
  return limit === 0 ? 0 : at;
}

/** A window end at or after `at`, right before a whitespace char if one is near. */
function cutAfter(text: string, at: number): number {
  const limit = Math.min(text.length, at + TOKEN_MARGIN);
  for (let i = at; i < limit; i++) if (isSpace(text.charCodeAt(i))) return i;
  return limit === text.length ? text.length : at;
}
