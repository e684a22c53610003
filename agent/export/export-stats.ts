/** What an export wrote, for the summary line and the dataset card. */
export class ExportStats {
  /** Traces received from the server. */
  received = 0;
  /** Traces written, per split. */
  readonly perSplit = new Map<string, number>();
  /** Traces left out, per reason ("min_events", "verdict", "duplicate"). */
  readonly dropped = new Map<string, number>();
  /** Traces written with duplicate_of set. */
  flaggedDuplicates = 0;
  events = 0;
  readonly verdicts = new Map<string, number>();
  /** Written traces per score decile (0–0.1, …, 0.9–1); unscored traces under "none". */
  readonly scores = new Map<string, number>();
  readonly rubricVersions = new Map<string, number>();
  readonly #developers = new Set<string>();
  readonly #repos = new Set<string>();

  /** Counts a written trace. */
  add(o: { split: string; verdict: string | null; score: number | null; rubricVersion: string | null; events: number; developer: string; repo: string; duplicate: boolean }): void {
    bump(this.perSplit, o.split);
    bump(this.verdicts, o.verdict ?? "none");
    bump(this.scores, o.score === null ? "none" : decile(o.score));
    if (o.rubricVersion) bump(this.rubricVersions, o.rubricVersion);
    if (o.duplicate) this.flaggedDuplicates++;
    this.events += o.events;
    this.#developers.add(o.developer);
    this.#repos.add(o.repo);
  }

  /** Counts a trace left out. */
  drop(reason: string): void {
    bump(this.dropped, reason);
  }

  get written(): number {
    let n = 0;
    for (const v of this.perSplit.values()) n += v;
    return n;
  }

  get developers(): number {
    return this.#developers.size;
  }

  get repos(): number {
    return this.#repos.size;
  }
}

function bump(m: Map<string, number>, k: string): void {
  m.set(k, (m.get(k) ?? 0) + 1);
}

/** "0.7–0.8" for 0.75; 1 falls in "0.9–1.0". */
export function decile(score: number): string {
  const i = Math.min(9, Math.max(0, Math.floor(score * 10)));
  return `${(i / 10).toFixed(1)}–${((i + 1) / 10).toFixed(1)}`;
}
