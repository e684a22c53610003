import type { Summary } from "./stats.js";

/** 1234567 → "1.23M", 93450 → "93.5k", 812 → "812". */
export function si(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const a = Math.abs(n);
  if (a >= 1e6) return `${(n / 1e6).toFixed(a >= 1e7 ? 1 : 2)}M`;
  if (a >= 1e3) return `${(n / 1e3).toFixed(a >= 1e4 ? 1 : 2)}k`;
  if (a >= 100) return n.toFixed(0);
  if (a >= 10) return n.toFixed(1);
  return n.toFixed(2);
}

/** Milliseconds with sensible precision: "0.42 ms", "7.9 ms", "132 ms", "2.41 s". */
export function ms(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const a = Math.abs(n);
  if (a >= 1000) return `${(n / 1000).toFixed(2)} s`;
  if (a >= 100) return `${n.toFixed(0)} ms`;
  if (a >= 10) return `${n.toFixed(1)} ms`;
  return `${n.toFixed(2)} ms`;
}

/** "median (min–max)" of a summary with a number formatter and an optional unit suffix. */
export function spread(s: Summary, f: (n: number) => string = si, unit = ""): string {
  const u = unit ? ` ${unit}` : "";
  return s.n > 1 ? `${f(s.median)}${u} (${f(s.min)}–${f(s.max)})` : `${f(s.median)}${u}`;
}

/** A ratio as "0.52 (0.48–0.55)". */
export function ratioText(s: Summary): string {
  return spread(s, (n) => n.toFixed(2));
}
