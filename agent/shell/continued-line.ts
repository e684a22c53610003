/**
 * The command line as typed, from bash's history entry `joined` and the entry as it stood at
 * each continuation prompt (`soFar`, oldest first). bash's history drops a backslash-newline
 * when the next line joins the entry (as the parser does), so `echo a \⏎b` is stored as
 * `echo a b`; wherever an entry so far ended in one unescaped backslash that the joined entry
 * no longer holds, the backslash and newline are put back. When the reports do not fit the
 * entry (they belong to another command line), the entry is returned as it is.
 */
export function restoreContinuations(joined: string, soFar: readonly string[]): string {
  const breaks: number[] = [];
  for (const line of soFar) {
    // bash's own test: the last character is a backslash and the one before is not.
    if (!line.endsWith("\\") || line.endsWith("\\\\")) continue;
    if (joined.startsWith(line)) continue; // inside quotes: bash kept it, with a newline
    const kept = line.slice(0, -1);
    if (!joined.startsWith(kept)) return joined;
    breaks.push(kept.length);
  }
  let out = joined;
  for (const at of [...new Set(breaks)].sort((a, b) => b - a)) out = `${out.slice(0, at)}\\\n${out.slice(at)}`;
  return out;
}
