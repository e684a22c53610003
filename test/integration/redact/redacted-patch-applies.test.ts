import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { finalPatch } from "../../../agent/watch/final-patch.js";
import { Redactor } from "../../../redact/redactor.js";
import { corpusSecrets } from "../../fixtures/redact/corpus.js";
import { tempGitRepo, type TempGitRepo } from "../../helpers/temp-git-repo.js";

const redactor = new Redactor();
const secrets = corpusSecrets();
const byKind = (kind: string) => secrets.find((s) => s.kind === kind)!;
const repos: TempGitRepo[] = [];

afterEach(() => {
  for (const r of repos.splice(0)) r[Symbol.dispose]();
});

function repoAtBase(files: Record<string, string>): { work: TempGitRepo; base: string } {
  const work = tempGitRepo();
  repos.push(work);
  for (const [rel, text] of Object.entries(files)) work.write(rel, text);
  work.git("add", "-A");
  work.git("-c", "user.name=Dev", "-c", "user.email=dev@example.test", "commit", "-qm", "base");
  return { work, base: work.git("rev-parse", "HEAD").trim() };
}

/** A fresh clone of `work` at `base`, where a patch is applied as QA applies it. */
function cloneAt(work: TempGitRepo, base: string): TempGitRepo {
  const clone = tempGitRepo({ cloneFrom: work.dir });
  repos.push(clone);
  clone.git("checkout", "-q", base);
  return clone;
}

function apply(repo: TempGitRepo, patch: string): void {
  writeFileSync(join(repo.dir, "..", "final.patch"), patch);
  repo.git("apply", "--whitespace=nowarn", join(repo.dir, "..", "final.patch"));
}

describe("the redacted final patch", () => {
  it("applies with git apply at the base commit, markers where the secrets were, every other line as written", async () => {
    const { work, base } = repoAtBase({
      "app/settings.py": "DEBUG = False\nTIMEOUT = 30\n",
      "app/pricing.py": "def rate(n):\n    return 10 if n > 10 else 0\n",
    });
    const key = byKind("RSA private key").secret;
    const gh = byKind("GitHub classic token").secret;
    const mysql = byKind("mysql -p password");
    work.write("app/settings.py", `DEBUG = False\nGITHUB_TOKEN = "${gh}"\nTIMEOUT = 30\npassword_field = "password"\n`);
    work.write("app/pricing.py", "def rate(n):\n    return 10 if n >= 10 else 0\n");
    work.write("deploy/key.pem", `${key}\n`);
    work.write("deploy/run.sh", `#!/bin/sh\n${mysql.line}\necho done\n`);
    const patch = await finalPatch({ root: work.dir, base });
    const redacted = (await redactor.redactDetailed(patch, { diff: true })).text;
    for (const s of [gh, mysql.secret, ...key.split("\n").slice(1, -1)]) expect(redacted).not.toContain(s);
    expect(redacted.split("\n").length).toBe(patch.split("\n").length);

    const qa = cloneAt(work, base);
    apply(qa, redacted);
    expect(qa.read("app/pricing.py")).toBe(work.read("app/pricing.py"));
    expect(qa.read("app/settings.py")).toBe('DEBUG = False\nGITHUB_TOKEN = "[REDACTED:github]"\nTIMEOUT = 30\npassword_field = "password"\n');
    expect(qa.read("deploy/run.sh")).toBe("#!/bin/sh\nmysql -h db.internal -u app -p[REDACTED:password-argument] orders\necho done\n");
    const pem = qa.read("deploy/key.pem").split("\n");
    expect(pem).toHaveLength(key.split("\n").length + 1);
    expect(pem[0]).toBe("[REDACTED:private-key]");
  });

  it("applies to the base redacted by the same rules when the base itself held a secret", async () => {
    const gh = byKind("GitHub classic token").secret;
    const { work, base } = repoAtBase({ "app/settings.py": `DEBUG = False\nGITHUB_TOKEN = "${gh}"\nTIMEOUT = 30\n` });
    work.write("app/settings.py", `DEBUG = True\nGITHUB_TOKEN = "${gh}"\nTIMEOUT = 60\n`);
    const redacted = (await redactor.redactDetailed(await finalPatch({ root: work.dir, base }), { diff: true })).text;
    expect(redacted).not.toContain(gh);

    const qa = cloneAt(work, base);
    // The secret sits in a context line: the base is redacted the same way first (line by line, so it matches).
    qa.write("app/settings.py", await redactor.redact(qa.read("app/settings.py")));
    apply(qa, redacted);
    expect(qa.read("app/settings.py")).toBe('DEBUG = True\nGITHUB_TOKEN = "[REDACTED:github]"\nTIMEOUT = 60\n');
  });
});
