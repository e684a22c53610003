import { describe, expect, it } from "vitest";
import { compileRedactPatterns } from "../../../redact/redact-patterns-file.js";
import { createRedactor, Redactor } from "../../../redact/redactor.js";
import { secretSamples } from "../../fixtures/redact/secret-samples.js";

const samples = secretSamples();
const redactor = new Redactor({ home: "/home/ann" });
const byName = (name: string) => {
  const s = samples.find((x) => x.name === name);
  if (!s) throw new Error(`no sample ${name}`);
  return s;
};

describe("Redactor.redact()", () => {
  it.each(samples.map((s) => [s.name, s] as const))("replaces a %s by its marker", async (_name, sample) => {
    const out = await redactor.redact(sample.line);
    expect(out).not.toContain(sample.secret);
    expect(out).toContain(`[REDACTED:${sample.rule}]`);
  });

  it("keeps the command around a secret readable", async () => {
    const ghp = byName("GitHub classic token").secret;
    expect(await redactor.redact(`export GITHUB_TOKEN=${ghp} && gh pr list`)).toBe("export GITHUB_TOKEN=[REDACTED:github] && gh pr list");
  });

  it("redacts an AWS key pair in a credentials file diff", async () => {
    const id = byName("AWS access key id").secret;
    const secret = byName("AWS secret access key").secret;
    const diff = ["+[default]", `+aws_access_key_id = ${id}`, `+${["aws", "secret", "access", "key"].join("_")} = ${secret}`, "+region = eu-west-1"].join("\n");
    const out = await redactor.redact(diff);
    expect(out).toBe(
      ["+[default]", "+aws_access_key_id = [REDACTED:aws]", `+${["aws", "secret", "access", "key"].join("_")} = [REDACTED:aws]`, "+region = eu-west-1"].join("\n"),
    );
  });

  it("redacts an OpenAI key in an Authorization header of a curl command", async () => {
    const key = byName("OpenAI project key").secret;
    const out = await redactor.redact(`curl https://api.openai.com/v1/models -H "Authorization: Bearer ${key}"`);
    expect(out).toBe('curl https://api.openai.com/v1/models -H "Authorization: Bearer [REDACTED:openai]"');
  });

  it("redacts a Slack webhook posted from a script", async () => {
    const hook = byName("Slack webhook URL").secret;
    expect(await redactor.redact(`SLACK_URL=${hook} ./notify.sh`)).toBe("SLACK_URL=[REDACTED:slack] ./notify.sh");
  });

  it("redacts a whole private key block, also when its END line was cut from the output", async () => {
    const key = byName("RSA private key").secret;
    const body = key.split("\n").slice(1, -1);
    // The block's lines stay (empty), so line numbers after it do not move.
    const lines = key.split("\n").length;
    expect(await redactor.redact(`$ cat key.pem\n${key}\n$ ls`)).toBe(`$ cat key.pem\n[REDACTED:private-key]${"\n".repeat(lines - 1)}\n$ ls`);
    const cut = `${key.split("\n").slice(0, 8).join("\n")}\n…[48213 bytes cut]…`;
    const out = await redactor.redact(cut);
    for (const line of body.slice(0, 7)) expect(out).not.toContain(line);
    expect(out).toMatch(/^\[REDACTED:private-key\]\n{8}…\[48213 bytes cut\]…$/);
  });

  it("redacts a private key written as a JSON string with \\n escapes", async () => {
    const key = byName("RSA private key").secret;
    const json = JSON.stringify({ type: "service_account", private_key: `${key}\n`, client_email: "ci@acme.iam" });
    const out = await redactor.redact(json);
    for (const line of key.split("\n").slice(1, -1)) expect(out).not.toContain(line);
    expect(out).toContain('"client_email":"ci@acme.iam"');
  });

  it("keeps the user and host of a URL with a password", async () => {
    expect(await redactor.redact("git push https://ann:s3cr3t%21Pa55@git.acme.io/app.git main")).toBe(
      "git push https://ann:[REDACTED:url-credentials]@git.acme.io/app.git main",
    );
  });

  it("writes the home directory as ~ and leaves look-alike paths alone", async () => {
    const out = await redactor.redact("cd /home/ann/src/app; ls /home/anna /mnt/home/ann; HOME=/home/ann; cat /home/ann");
    expect(out).toBe("cd ~/src/app; ls /home/anna /mnt/home/ann; HOME=~; cat ~");
  });

  it("changes nothing when run twice", async () => {
    const text = samples.map((s) => s.line).join("\n") + "\nDB_PASSWORD=hunter2x\ncd /home/ann\n";
    const once = await redactor.redact(text);
    expect(await redactor.redact(once)).toBe(once);
  });

  it("returns clean text unchanged", async () => {
    const text = "npm test\n> vitest run\n ✓ test/parser.test.ts (12 tests) 41ms\n";
    expect(await redactor.redact(text)).toBe(text);
    expect(await redactor.redact("")).toBe("");
  });

  it.each([
    ["git SHAs", "commit 4f2a9c1e0b7d3a5f6e8c9b0a1d2e3f4a5b6c7d8e\nMerge: 9b1c2d3 8a7f6e5\nHEAD is now at 3f9c2e1b7a fix parser"],
    ["UUIDs", "trace 3b1f0c2e-9a8d-4e7f-b6a5-c4d3e2f1a0b9 session 6f1c2a9e-4b7d-4e0a-9c3b-2d8e7f6a5b4c"],
    ["base64 in normal code", "const png = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';"],
    ["npm integrity hashes", '"integrity": "sha512-Wq0lWbC2b0E1VlKsT1h2eN3l5m0s0kYt2Q9c6z4F8b1d0A7e5C3x9V2n4M6k8J0h1G3f5D7s9A=="'],
    ["image digests", "FROM python:3.12-slim@sha256:2d4e8f0a1b3c5d7e9f1a3b5c7d9e1f3a5b7c9d1e3f5a7b9c1d3e5f7a9b1c3d5e"],
    ["the word password without a value", "Enter your password to continue.\nPassword:\nsudo: 3 incorrect password attempts"],
    ["token counts of an LLM API", '{"usage": {"prompt_tokens": 1523, "completion_tokens": 210, "max_tokens": 4096}}'],
    ["a type annotation", "+  password: string;\n+  token?: string;\n+  apiKey: string | undefined;"],
    ["code reading a secret from the environment", "+  const token = process.env.GITHUB_TOKEN;\n+  password = getpass()\n+  secret = os.environ['APP_SECRET']"],
    ["a comparison", "if (password == null || token === undefined) return;"],
    ["variable references", 'export API_KEY="${API_KEY:?}"\nTOKEN=$(cat ~/.token)\nPASSWORD=$DB_PASS'],
    ["a URL without credentials", "curl -fsSL https://get.acme.io/install.sh?version=1.2.3 | sh"],
  ])("leaves %s alone", async (_what, text) => {
    expect(await redactor.redact(text)).toBe(text);
  });

  it("applies the user's extra patterns, only their secret group when named", async () => {
    const patterns = compileRedactPatterns(
      [
        { name: "acme-key", pattern: "acme_[0-9a-f]{24}" },
        { name: "employee-id", pattern: "emp=(?<secret>E\\d{6})", flags: "i" },
      ],
      "test",
    );
    const r = new Redactor({ patterns });
    const key = ["acme", "0123456789abcdef01234567"].join("_");
    expect(await r.redact(`deploy --key ${key} EMP=E123456`)).toBe("deploy --key [REDACTED:acme-key] EMP=[REDACTED:employee-id]");
  });
});

describe("createRedactor()", () => {
  it("rejects with an error that names the file when the patterns file is missing", async () => {
    await expect(createRedactor({ patternsFile: "/nonexistent/redact.json" })).rejects.toThrow("/nonexistent/redact.json");
  });

  it("starts without extra patterns when an optional patterns file is missing", async () => {
    const r = await createRedactor({ patternsFile: "/nonexistent/redact.json", patternsFileOptional: true });
    expect(await r.redact("DB_PASSWORD=hunter2x")).toBe("DB_PASSWORD=[REDACTED:assignment]");
  });
});
