import type { Baseline } from "./baseline.js";
import type { Known, LedgerChange } from "./file-ledger.js";

type TextKnown = Known & { kind: "text" };

/**
 * What changed between the last recorded state and the files found now, as ledger changes in
 * path order: edits (diffed against the recorded bytes), creations and deletions. When the
 * recorded bytes of a changed file cannot be read back, the change is a deletion of the
 * recorded version and a creation of the current one, so the hash chain still holds.
 */
export async function awayChanges(baseline: Baseline, current: ReadonlyArray<[string, TextKnown]>): Promise<LedgerChange[]> {
  const now = new Map(current);
  const recorded = baseline.recorded();
  const paths = [...new Set([...recorded.keys(), ...now.keys()])].sort();
  const changes: LedgerChange[] = [];
  for (const path of paths) {
    const was = recorded.get(path);
    const is = now.get(path);
    if (was && is && was.sha256 === is.sha256) continue;
    const after = is && { kind: "text" as const, content: is.content, sha256: is.sha256, size: Buffer.byteLength(is.content), executable: is.executable };
    if (was && after) {
      const before = await baseline.content(path);
      if (before !== undefined) {
        changes.push({ type: "edit", path, before: { kind: "text", content: before, sha256: was.sha256, executable: is!.executable }, after });
        continue;
      }
    }
    if (was) changes.push({ type: "deleted", path, sha256: was.sha256 });
    if (after) changes.push({ type: "created", path, after });
  }
  return changes;
}
