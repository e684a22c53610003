import { describe, expect, it } from "vitest";
import { Redactor } from "../../../redact/redactor.js";
import { stripUrlUserinfo } from "../../../redact/repo-url.js";

const redactor = new Redactor();
// Fake, real-shaped values assembled at run time (nothing here matches a live credential).
const pw = ["Hq7", "vT2m", "Lx9p", "Rw4z"].join("");
const awsSecret = ["wJalrXUtnFEMI", "K7MDENG", "bPxRfiCYzQ8w2Lk3", "Vn5TyU"].join("/");
const bare = ["q8Zr", "T2vL", "x9Pm", "W4nK", "c7Yd", "F3sJ"].join("");

describe("shapes issue #10 found leaking", () => {
  it.each([
    ["mysql -p<pw>", `mysql -u app -p${pw} shop`, `mysql -u app -p[REDACTED:password-argument] shop`],
    ["aws configure set, typed", `aws configure set aws_secret_access_key ${awsSecret}`, "aws configure set aws_secret_access_key [REDACTED:password-argument]"],
    ["sshpass -p", `sshpass -p ${pw} ssh ci@10.0.0.7`, "sshpass -p [REDACTED:password-argument] ssh ci@10.0.0.7"],
    ["curl -u user:pw", `curl -u admin:${pw} https://ci.example.test`, "curl -u admin:[REDACTED:password-argument] https://ci.example.test"],
    ["PGPASSWORD=", `PGPASSWORD=${pw} psql -h db`, "PGPASSWORD=[REDACTED:assignment] psql -h db"],
    [".netrc", `machine example.test login ann password ${pw}`, "machine example.test login ann password [REDACTED:netrc]"],
  ])("%s", async (_what, input, expected) => {
    expect(await redactor.redact(input)).toBe(expected);
  });

  it("masks the whole userinfo of a repository URL, keeps ssh users and local paths", () => {
    expect(stripUrlUserinfo(`http://oauth2:glpat-${pw}${pw}@gitlab.example.test/acme/app.git`)).toBe("http://gitlab.example.test/acme/app.git");
    expect(stripUrlUserinfo(`https://${pw}@github.com/acme/app.git`)).toBe("https://github.com/acme/app.git");
    expect(stripUrlUserinfo("ssh://git@github.com/acme/app.git")).toBe("ssh://git@github.com/acme/app.git");
    expect(stripUrlUserinfo("git@github.com:acme/app.git")).toBe("git@github.com:acme/app.git");
    expect(stripUrlUserinfo("/home/ann/src/app")).toBe("/home/ann/src/app");
  });
});

describe("prose: a pasted value goes, the hashes a developer talks about stay", () => {
  it("redacts a bare high-entropy value in a note", async () => {
    expect(await redactor.redact(`the old one was ${bare}, revoked now`, { prose: true })).toBe("the old one was [REDACTED:high-entropy], revoked now");
  });

  it.each([
    "the regression came in with 9fceb02d0ae598e95dc970b74767f19372d61af8, reverting it fixes the test",
    "bisected to 4b825dc..HEAD, then c04f5b2",
    "sha256 of the tarball: 2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824",
    "request 7c9e6679-7425-40de-944b-e07fc1f90ae7 timed out",
    "main.8f3a2b1c9d4e5f60.js grew by 12 KiB",
    "image python@sha256:9b2a7c3e1f0d4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b",
  ])("keeps %j", async (text) => {
    expect(await redactor.redact(text, { prose: true })).toBe(text);
  });
});

describe("precision: code that names a secret is kept", () => {
  it.each([
    'password_field = "password"',
    'api_key_name = "X-API-Key"',
    "secret_key_length = 32",
    'auth_token_header = "Authorization"',
    "token = tokenizer.encode(text)",
    "const token = await getAccessToken(client);",
    'password = getpass.getpass("Password: ")',
    "export PASSWORD_FILE=/run/secrets/db_password",
    "docker run -p 8080:80 -u 1000:1000 nginx",
    "git config credential.helper store",
  ])("%s", async (line) => {
    expect(await redactor.redact(line)).toBe(line);
    expect(await redactor.redact(`+${line}`, { diff: true })).toBe(`+${line}`);
  });
});
