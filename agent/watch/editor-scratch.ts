/**
 * Names editors give to swap, backup, lock and save-in-progress files (vim's `.x.swp`, `x~` and
 * its `4913` probe, emacs `.#x` / `#x#`, JetBrains safe-write, Sublime `.sublN.tmp`). They live
 * for the blink of a save and say nothing about the code, so capture never looks at them.
 */
const scratch = [
  /^\..*\.sw[a-p]$/,
  /~$/,
  /^4913$/,
  /^\.#/,
  /^#.*#$/,
  /\.___jb_(tmp|old)___$/,
  /^\.subl.*\.tmp$/,
  /\.crswap$/,
];

/** True for an editor's scratch file name (a base name, not a path). */
export function isEditorScratch(name: string): boolean {
  return scratch.some((re) => re.test(name));
}
