import { isEditorScratch } from "./editor-scratch.js";
import { GitignoreRules } from "./gitignore-rules.js";

/** The two questions the filter asks of a path's stats, when it has them. */
export interface EntryKind {
  isDirectory(): boolean;
  isSymbolicLink(): boolean;
}

/** Options of RepoFilter. */
export interface RepoFilterOptions {
  /** Absolute repository root. */
  root: string;
  /** Extra patterns (.gitignore syntax) never captured; default none. */
  exclude?: readonly string[];
}

/**
 * Decides which paths file capture looks at: not .git (at any depth), not editors' scratch
 * files, not symlinks, not what .gitignore rules or `exclude` leave out. Remembers the paths it
 * left out by rule (a whole directory once), to count them and to bring them back when a
 * .gitignore edit stops excluding them.
 */
export class RepoFilter {
  private readonly rules: GitignoreRules;
  private readonly ignored = new Map<string, boolean>();

  constructor(options: RepoFilterOptions) {
    this.rules = new GitignoreRules({ root: options.root, exclude: options.exclude });
  }

  /** Paths left out by ignore rules so far (an ignored directory counts once). */
  get ignoredCount(): number {
    return this.ignored.size;
  }

  /** True when capture must not look at `rel` ("/"-separated; "" is the root, never excluded). */
  excludes(rel: string, kind?: EntryKind): boolean {
    if (!rel) return false;
    if (rel.split("/").includes(".git") || isEditorScratch(rel.slice(rel.lastIndexOf("/") + 1))) return true;
    if (kind?.isSymbolicLink()) return true;
    const isDir = kind?.isDirectory() ?? false;
    if (!this.rules.ignores(rel, isDir)) return false;
    this.ignored.set(rel, isDir || (this.ignored.get(rel) ?? false));
    return true;
  }

  /**
   * Rereads the rules of one directory ("" for the root) after its .gitignore changed, and
   * returns the paths it used to exclude and no longer does.
   */
  reload(dirRel: string): string[] {
    this.rules.invalidate(dirRel);
    const revealed: string[] = [];
    for (const [p, isDir] of this.ignored) {
      if ((dirRel === "" || p.startsWith(`${dirRel}/`)) && !this.rules.ignores(p, isDir)) revealed.push(p);
    }
    for (const p of revealed) this.ignored.delete(p);
    return revealed;
  }
}

/** Stand-in for the stats of a directory found by a walk of our own. */
export const directoryKind: EntryKind = { isDirectory: () => true, isSymbolicLink: () => false };
