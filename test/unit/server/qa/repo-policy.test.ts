import { chownSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkRepoUrl, isInternalAddress, loopbackRepoPolicy, parseRepoUrl, remoteOnlyPolicy, repoPolicyOf } from "../../../../server/qa/repo-policy.js";

describe("parseRepoUrl()", () => {
  it.each([
    ["https://github.com/org/repo.git", { kind: "remote", host: "github.com", port: 443, transport: "https" }],
    ["ssh://git@example.org:2222/org/repo.git", { kind: "remote", host: "example.org", port: 2222, transport: "ssh" }],
    ["git@github.com:org/repo.git", { kind: "remote", host: "github.com", port: 22, transport: "ssh" }],
    ["https://[::1]:8443/x.git", { kind: "remote", host: "::1", port: 8443, transport: "https" }],
    ["http://example.org/x.git", { kind: "remote", transport: "http", port: 80 }],
    ["/srv/git/repo", { kind: "local", path: "/srv/git/repo" }],
    ["file:///srv/git/repo", { kind: "local", path: "/srv/git/repo" }],
  ])("reads %s", (url, expected) => {
    expect(parseRepoUrl(url)).toMatchObject(expected);
  });

  it.each([
    ["ext::sh -c touch% /tmp/pwned", "transport"],
    ["fd::17", "transport"],
    ["-uhello", "form"],
    ["ftp://example.org/x.git", "transport"],
    ["relative/path", "local-path"],
    ["https://example.org/x\n.git", "form"],
    [" https://example.org/x.git", "form"],
  ])("refuses %j (rule %s)", (url, rule) => {
    expect(() => parseRepoUrl(url)).toThrow(expect.objectContaining({ rule }));
  });
});

describe("isInternalAddress()", () => {
  it.each(["127.0.0.1", "127.8.9.10", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "::1", "::", "fe80::1", "fd00::1", "::ffff:127.0.0.1", "::ffff:169.254.169.254", "not-an-ip"])("%s is internal", (a) => {
    expect(isInternalAddress(a)).toBe(true);
  });
  it.each(["140.82.112.3", "8.8.8.8", "172.32.0.1", "2606:4700::1111", "::ffff:8.8.8.8"])("%s is public", (a) => {
    expect(isInternalAddress(a)).toBe(false);
  });
});

describe("checkRepoUrl() against the real file system and resolver", () => {
  let root: string;
  let mine: string;
  let others: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), "devtrace-policy-"));
    mine = join(root, "mine");
    others = join(root, "others");
    mkdirSync(mine);
    mkdirSync(others);
    if (process.getuid?.() === 0) chownSync(others, 65534, 65534);
    symlinkSync(others, join(mine, "link-to-others"));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("allows the server user's own local repository only under the loopback default", async () => {
    await expect(checkRepoUrl(mine, loopbackRepoPolicy)).resolves.toMatchObject({ target: { kind: "local" } });
    await expect(checkRepoUrl(`file://${mine}`, loopbackRepoPolicy)).resolves.toMatchObject({ target: { kind: "local" } });
    await expect(checkRepoUrl(mine, remoteOnlyPolicy)).rejects.toMatchObject({ rule: "local-path" });
    await expect(checkRepoUrl(`file://${mine}`, remoteOnlyPolicy)).rejects.toMatchObject({ rule: "local-path" });
  });

  it.skipIf(process.getuid?.() !== 0)("refuses another user's repository even under the loopback default", async () => {
    await expect(checkRepoUrl(others, loopbackRepoPolicy)).rejects.toMatchObject({ rule: "local-path" });
  });

  it("allows local paths by DEVTRACE_REPO_ALLOW pattern, judged on the real path (a symlink cannot lead out)", async () => {
    const policy = repoPolicyOf([`${mine}/**`, mine], true);
    expect(policy.ownLocalPaths).toBe(false);
    await expect(checkRepoUrl(mine, policy)).resolves.toMatchObject({ target: { path: mine } });
    await expect(checkRepoUrl(join(mine, "link-to-others"), policy)).rejects.toMatchObject({ rule: "local-path" });
    await expect(checkRepoUrl(join(root, "missing"), policy)).rejects.toThrow(/does not exist/);
  });

  it.each([
    ["https://127.0.0.1:9/x.git", "private-host"],
    ["https://localhost/x.git", "private-host"],
    ["https://169.254.169.254/latest/meta-data", "private-host"],
    ["https://[::ffff:10.0.0.1]/x.git", "private-host"],
    ["ssh://git@192.168.0.10/x.git", "private-host"],
    ["git@10.0.0.5:org/x.git", "private-host"],
    ["http://127.0.0.1:8080/x.git", "transport"],
    ["git://example.org/x.git", "transport"],
  ])("refuses %s (rule %s)", async (url, rule) => {
    await expect(checkRepoUrl(url, loopbackRepoPolicy)).rejects.toMatchObject({ rule });
  });

  it("allows a public address and returns it for pinning; an allow pattern admits an internal URL", async () => {
    await expect(checkRepoUrl("https://140.82.112.3/org/x.git", remoteOnlyPolicy)).resolves.toMatchObject({ addresses: ["140.82.112.3"] });
    await expect(checkRepoUrl("http://127.0.0.1:8080/x.git", repoPolicyOf(["http://127.0.0.1:8080/**"], true))).resolves.toMatchObject({ target: { transport: "http" } });
  });
});

describe("DEVTRACE_REPO_ALLOW in loadServerConfig()", () => {
  it.each([
    [{}, [], { allow: [], ownLocalPaths: true }],
    [{}, ["--listen", "0.0.0.0:50051", "--allow-plaintext"], { allow: [], ownLocalPaths: false }],
    [{ DEVTRACE_REPO_ALLOW: "/srv/git/**, https://git.corp.example/{a,b}/** " }, [], { allow: ["/srv/git/**", "https://git.corp.example/{a,b}/**"], ownLocalPaths: false }],
  ])("env %j, flags %j → %j", async (env, argv, expected) => {
    const { loadServerConfig } = await import("../../../../server/config.js");
    expect(loadServerConfig(argv, env).config.qa.repoPolicy).toEqual(expected);
  });
});
