import { readFileSync } from "node:fs";
import { join } from "node:path";
import ignore from "ignore";
import type { Ignore } from "ignore";

/** Options of GitignoreRules. */
export interface GitignoreRulesOptions {
  /** Absolute repository root. */
  root: string;
  /** Patterns in .gitignore syntax that are always excluded, whatever the files say; default none. */
  exclude?: readonly string[];
  /** Path of the repository's info/exclude file; default `<root>/.git/info/exclude`. */
  infoExcludePath?: string;
}

/** One .gitignore (or info/exclude) and the directory its patterns are relative to. */
interface Level {
  dir: string;
  rules: Ignore;
}

/**
 * Git's ignore rules for a working tree: info/exclude, the root .gitignore and every nested
 * one, deeper files winning, and nothing re-included below an excluded directory. Files are
 * read lazily the first time a path below their directory is asked about, then cached until
 * invalidate() is told that one changed.
 */
export class GitignoreRules {
  private readonly root: string;
  private readonly forced: Ignore;
  private readonly infoExcludePath: string;
  private infoExclude: Ignore | null | undefined;
  private readonly files = new Map<string, Ignore | null>();
  private readonly dirDecisions = new Map<string, boolean>();

  constructor(options: GitignoreRulesOptions) {
    this.root = options.root;
    this.forced = ignore({ ignorecase: false }).add(options.exclude ?? []);
    this.infoExcludePath = options.infoExcludePath ?? join(options.root, ".git", "info", "exclude");
  }

  /** True when git would not track `rel` ("/"-separated, relative to the root, not ""). */
  ignores(rel: string, isDir: boolean): boolean {
    if (this.forced.ignores(isDir ? `${rel}/` : rel)) return true;
    const parts = rel.split("/");
    for (let i = 1; i < parts.length; i++) {
      if (this.dirIgnored(parts.slice(0, i).join("/"))) return true;
    }
    return isDir ? this.dirIgnored(rel) : this.decide(rel, false);
  }

  /** Forgets the cached rules of one directory ("" for the root) after its .gitignore changed. */
  invalidate(dirRel: string): void {
    this.files.delete(dirRel);
    if (dirRel === "") this.infoExclude = undefined;
    this.dirDecisions.clear();
  }

  private dirIgnored(dirRel: string): boolean {
    let ignored = this.dirDecisions.get(dirRel);
    if (ignored === undefined) {
      ignored = this.forced.ignores(`${dirRel}/`) || this.decide(dirRel, true);
      this.dirDecisions.set(dirRel, ignored);
    }
    return ignored;
  }

  /** The last pattern that matches, across levels from the root down, decides. */
  private decide(rel: string, isDir: boolean): boolean {
    let ignored = false;
    for (const level of this.levelsFor(rel)) {
      const local = level.dir === "" ? rel : rel.slice(level.dir.length + 1);
      const result = level.rules.checkIgnore(isDir ? `${local}/` : local);
      if (result.ignored) ignored = true;
      else if (result.unignored) ignored = false;
    }
    return ignored;
  }

  private levelsFor(rel: string): Level[] {
    const levels: Level[] = [];
    if (this.infoExclude === undefined) this.infoExclude = this.load(this.infoExcludePath);
    if (this.infoExclude) levels.push({ dir: "", rules: this.infoExclude });
    const parts = rel.split("/");
    for (let i = 0; i < parts.length; i++) {
      const dir = parts.slice(0, i).join("/");
      const rules = this.rulesOf(dir);
      if (rules) levels.push({ dir, rules });
    }
    return levels;
  }

  private rulesOf(dirRel: string): Ignore | null {
    let rules = this.files.get(dirRel);
    if (rules === undefined) {
      rules = this.load(join(this.root, dirRel, ".gitignore"));
      this.files.set(dirRel, rules);
    }
    return rules;
  }

  /** Reads a rules file; null when there is none. Sync because chokidar's filter is sync. */
  private load(file: string): Ignore | null {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (cause) {
      const code = (cause as NodeJS.ErrnoException).code;
      if (code === "ENOENT" || code === "ENOTDIR" || code === "EISDIR") return null;
      throw new Error(`file capture: cannot read ignore rules ${file}`, { cause });
    }
    return ignore({ ignorecase: false }).add(text);
  }
}
