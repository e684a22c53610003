import { chownSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QaStatus } from "../../../../gen/devtrace/v1/qa_pb.js";
import { TraceStatus } from "../../../../gen/devtrace/v1/trace_pb.js";
import { CreateTraceRequestSchema } from "../../../../gen/devtrace/v1/trace_service_pb.js";
import { remoteOnlyPolicy, repoPolicyOf } from "../../../../server/qa/repo-policy.js";
import { startQa, type QaHandle } from "../../../../server/qa/start-qa.js";
import { createTestServer, testTokens, type TestServer } from "../../../helpers/devtrace-server.js";
import { tempGitRepo, type TempGitRepo } from "../../../helpers/temp-git-repo.js";
import { fixturePatch, recordTrace, sampleRepoCopy, waitForQa } from "./qa-fixtures.js";

/** A plain HTTP listener on loopback that records what it is asked and answers `reply`. */
async function listener(reply: (req: IncomingMessage) => { status: number; headers?: Record<string, string>; body: string }): Promise<{ url: string; seen: string[]; close(): Promise<void> }> {
  const seen: string[] = [];
  const server: Server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    const r = reply(req);
    res.writeHead(r.status, r.headers).end(r.body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

const createWith = (server: TestServer, repoUrl: string) =>
  server.client(testTokens.ingest).createTrace(create(CreateTraceRequestSchema, { developer: { id: "" }, task: { repoUrl, baseCommit: "a".repeat(40), testImage: "devtrace/sample-python:1", testCommand: "pytest -q" } }));

describe("CreateTrace repo_url policy (remote-only, as on a server beyond loopback)", () => {
  let server: TestServer;
  let repo: TempGitRepo;
  beforeAll(async () => {
    server = await createTestServer({ repoPolicy: remoteOnlyPolicy });
    repo = tempGitRepo();
  });
  afterAll(async () => {
    await server?.[Symbol.asyncDispose]();
    repo?.[Symbol.dispose]();
  });

  it.each([
    ["a local path", () => repo.dir, /local paths and file:\/\/ are refused.*rule: local-path/],
    ["a file:// URL", () => `file://${repo.dir}`, /rule: local-path/],
    ["a loopback https host", () => "https://127.0.0.1:9/x.git", /resolves to 127\.0\.0\.1.*rule: private-host/],
    ["localhost", () => "https://localhost:9/x.git", /rule: private-host/],
    ["a private host", () => "https://10.0.0.7/x.git", /rule: private-host/],
    ["the cloud metadata address", () => "https://169.254.169.254/x.git", /rule: private-host/],
    ["plain http to a loopback port (the port scanner)", () => "http://127.0.0.1:8080/x.git", /rule: transport/],
    ["git's ext:: helper", () => "ext::sh -c id", /rule: transport/],
    ["an option-looking URL", () => "--upload-pack=touch /tmp/x", /rule: form/],
  ])("refuses %s with INVALID_ARGUMENT naming the rule, storing nothing", async (_name, url, message) => {
    const before = (await server.client(testTokens.read).listTraces({})).traces.length;
    const err = await createWith(server, url()).catch((e: unknown) => ConnectError.from(e));
    expect(err).toBeInstanceOf(ConnectError);
    expect((err as ConnectError).code).toBe(Code.InvalidArgument);
    expect((err as ConnectError).rawMessage).toMatch(/^task\.repo_url: /);
    expect((err as ConnectError).rawMessage).toMatch(message);
    expect((await server.client(testTokens.read).listTraces({})).traces.length).toBe(before);
  });

  it("accepts a public https URL and an scp-like ssh URL", async () => {
    expect((await createWith(server, "https://140.82.112.3/org/repo.git")).trace?.id).toBeTruthy();
    expect((await createWith(server, "git@140.82.112.3:org/repo.git")).trace?.id).toBeTruthy();
  });
});

describe("CreateTrace repo_url policy (loopback default)", () => {
  let server: TestServer;
  let other: TempGitRepo;
  beforeAll(async () => {
    server = await createTestServer();
    other = tempGitRepo();
  });
  afterAll(async () => {
    await server?.[Symbol.asyncDispose]();
    other?.[Symbol.dispose]();
  });

  it("accepts the server user's own repository", async () => {
    expect((await createWith(server, other.dir)).trace?.id).toBeTruthy();
  });

  it.skipIf(process.getuid?.() !== 0)("refuses another user's private repository (the secret.txt leak)", async () => {
    chownSync(other.dir, 65534, 65534);
    const err = await createWith(server, other.dir).catch((e: unknown) => ConnectError.from(e));
    expect((err as ConnectError).code).toBe(Code.InvalidArgument);
    expect((err as ConnectError).rawMessage).toMatch(/rule: local-path/);
  });
});

describe("QA's clone-time repository check", () => {
  let server: TestServer;
  let qa: QaHandle | undefined;
  let sample: { repo: TempGitRepo; baseCommit: string };
  beforeAll(async () => {
    server = await createTestServer();
    sample = sampleRepoCopy();
  });
  afterAll(async () => {
    await qa?.close();
    await server?.[Symbol.asyncDispose]();
    sample?.repo[Symbol.dispose]();
  });

  it("refuses at clone time what the policy refuses now, even if CreateTrace accepted it then", async () => {
    qa = await startQa(server.store, { workers: 1, judgeModel: "gpt-4o-mini", testTimeoutSec: 60, pullImages: false, pollMs: 50, maxAttempts: 1, repoPolicy: remoteOnlyPolicy, dockerHost: "unix:///nonexistent/docker.sock" }, pino({ level: "silent" }));
    const client = server.client(testTokens.ingest);
    const trace = await waitForQa(client, await recordTrace(client, { repoUrl: sample.repo.dir, baseCommit: sample.baseCommit, patch: fixturePatch("fix-correct") }));
    expect(trace.status).toBe(TraceStatus.FAILED);
    expect(trace.qa?.status).toBe(QaStatus.REPO_UNAVAILABLE);
    expect(trace.qa?.error).toMatch(/refused by the repository policy \(rule local-path\)/);
    await qa.close();
    qa = undefined;
  });

  it("does not follow a redirecting remote and never echoes a remote's reply", async () => {
    const target = await listener(() => ({ status: 200, body: "TARGET-SHOULD-NEVER-BE-ASKED" }));
    const redirecting = await listener(() => ({ status: 302, headers: { location: `${target.url}/private.git/info/refs?service=git-upload-pack` }, body: "REPLY-TEXT-OF-THE-REMOTE" }));
    const replying = await listener(() => ({ status: 200, headers: { "content-type": "text/plain" }, body: "remote: SSH-2.0-OpenSSH_9.2 banner of a scanned port\nfatal: SCANNED-SERVICE-REPLY" }));
    try {
      // The operator allows these loopback URLs, so only the clone-time rules are left to hold.
      const policy = repoPolicyOf([`${redirecting.url}/**`, `${replying.url}/**`], true);
      const local = await createTestServer({ repoPolicy: policy });
      qa = await startQa(local.store, { workers: 1, judgeModel: "gpt-4o-mini", testTimeoutSec: 60, pullImages: false, pollMs: 50, maxAttempts: 1, repoPolicy: policy, dockerHost: "unix:///nonexistent/docker.sock" }, pino({ level: "silent" }));
      const client = local.client(testTokens.ingest);
      for (const remote of [redirecting, replying]) {
        const trace = await waitForQa(client, await recordTrace(client, { repoUrl: `${remote.url}/x.git`, baseCommit: sample.baseCommit, patch: fixturePatch("fix-correct") }));
        expect(trace.qa?.status).toBe(QaStatus.REPO_UNAVAILABLE);
        const shown = `${trace.statusDetail} ${trace.qa?.error}`;
        expect(shown).not.toMatch(/REPLY-TEXT|SCANNED-SERVICE|OpenSSH|TARGET-SHOULD/);
        expect(remote.seen.length).toBeGreaterThan(0);
      }
      expect(target.seen).toEqual([]);
      await qa.close();
      qa = undefined;
      await local[Symbol.asyncDispose]();
    } finally {
      await Promise.all([target.close(), redirecting.close(), replying.close()]);
    }
  });
});
