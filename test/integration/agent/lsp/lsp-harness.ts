import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { PassThrough } from "node:stream";
import { pathToFileURL } from "node:url";
import { pino } from "pino";
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from "vscode-jsonrpc/node";
import type { Agent } from "../../../../agent/agent.js";
import { readClientEnv } from "../../../../agent/config.js";
import { locateAgent, type AgentLocation } from "../../../../agent/launcher/locate-agent.js";
import { runLspProxy, type ServerExit } from "../../../../agent/lsp/lsp-proxy.js";
import { NavigationRecorder } from "../../../../agent/lsp/navigation-recorder.js";
import { ShellLink } from "../../../../agent/shell-link/shell-link.js";
import { startRepoAgent } from "../../../../agent/start-repo-agent.js";
import { tempGitRepo, type TempGitRepo } from "../../../helpers/temp-git-repo.js";

/** The pyright language server installed as a dev dependency. */
export const pyrightLangserver = resolve("node_modules/.bin/pyright-langserver");

/** A git repository holding a copy of sample_repo, committed, with the agent's location. */
export interface SampleRepo extends AsyncDisposable {
  repo: TempGitRepo;
  location: AgentLocation;
  home: string;
  /** A file:// URI of a file in the repository. */
  uri(rel: string): string;
  /** Starts the repository's agent in this process. */
  startAgent(serverUrl: string, token: string): Promise<Agent>;
}

/** Copies sample_repo into a fresh repository (dispose removes it and stops the agent). */
export async function sampleRepo(): Promise<SampleRepo> {
  const repo = tempGitRepo();
  cpSync(resolve("sample_repo"), repo.dir, { recursive: true, filter: (src) => !src.includes("__pycache__") && !src.includes(".pytest_cache") });
  repo.git("add", "-A");
  repo.git("-c", "user.name=Dev", "-c", "user.email=dev@example.test", "commit", "-qm", "base");
  const home = mkdtempSync(join(tmpdir(), "devtrace-home-"));
  const env = { ...readClientEnv({}), home };
  const location = await locateAgent(repo.dir, env);
  const agents: Agent[] = [];
  return {
    repo,
    location,
    home,
    uri: (rel) => pathToFileURL(repo.path(rel)).href,
    async startAgent(serverUrl, token) {
      const agent = await startRepoAgent({
        location,
        env,
        serverUrl,
        token,
        task: { description: "cart total", testCommand: "pytest -q", testImage: "devtrace/sample-python:1" },
        logger: pino({ level: process.env.DEVTRACE_TEST_LOG ?? "silent" }),
      });
      if (!agent) throw new Error("the agent did not start");
      agents.push(agent);
      return agent;
    },
    async [Symbol.asyncDispose]() {
      for (const a of agents) await a.close();
      repo[Symbol.dispose]();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** `devtrace lsp` run in this process between a scripted client and a real server. */
export interface ProxiedServer extends AsyncDisposable {
  /** The editor's side of the connection. */
  client: MessageConnection;
  /** Every byte the proxy wrote to the editor. */
  readonly received: Buffer;
  /** Resolves with how the server ended; the recording link is closed by then. */
  exited: Promise<ServerExit>;
  /** Records not yet delivered to the agent when the link closed. */
  pending(): number;
}

/** Starts the proxy in-process with the same parts `devtrace lsp` wires, recording into `location`. */
export function proxied(location: AgentLocation, command: string, args: string[], o: { followWindowMs?: number } = {}): ProxiedServer {
  const input = new PassThrough();
  const output = new PassThrough();
  const chunks: Buffer[] = [];
  output.on("data", (c: Buffer) => chunks.push(c));
  const logger = pino({ level: process.env.DEVTRACE_TEST_LOG ?? "silent" });
  const link = new ShellLink({ location, sessionId: "lsp-test", shell: "lsp:test", pid: () => process.pid, startArgs: [], startEnv: {}, tell: () => {}, autoStart: false });
  void link.start();
  const recorder = new NavigationRecorder({ root: location.repo.root, sink: (e) => link.push(e), logger, followWindowMs: o.followWindowMs });
  const exited = runLspProxy({
    command,
    args,
    input,
    output,
    logger,
    onClientMessage: (b) => recorder.fromClient(b),
    onServerMessage: (b) => recorder.fromServer(b),
  }).finally(async () => {
    recorder.flush();
    await link.close();
  });
  const client = createMessageConnection(new StreamMessageReader(output), new StreamMessageWriter(input));
  client.listen();
  return {
    client,
    get received() {
      return Buffer.concat(chunks);
    },
    exited,
    pending: () => link.pending,
    async [Symbol.asyncDispose]() {
      input.end();
      await Promise.race([exited.catch(() => undefined), new Promise((r) => setTimeout(r, 10_000))]);
      client.dispose();
    },
  };
}
