import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import type { Agent } from "../../../agent/agent.js";
import { readClientEnv } from "../../../agent/config.js";
import { locateAgent, type AgentLocation } from "../../../agent/launcher/locate-agent.js";
import { LocalClient } from "../../../agent/local/local-client.js";
import { startRepoAgent } from "../../../agent/start-repo-agent.js";
import { tempGitRepo, type TempGitRepo } from "../../helpers/temp-git-repo.js";

/** A temp repository with one commit, and a HOME that holds no user config. */
export interface AgentFixture extends AsyncDisposable {
  repo: TempGitRepo;
  location: AgentLocation;
  home: string;
  /** Starts the repository's agent in this process against `serverUrl`. */
  start(serverUrl: string, token: string, o?: { caFile?: string; task?: string }): Promise<Agent | undefined>;
  /** A client of the running agent's socket (closed on dispose). */
  client(): Promise<LocalClient>;
}

/** Makes a fixture; dispose closes every agent and client it made and removes the files. */
export async function agentFixture(): Promise<AgentFixture> {
  const repo = tempGitRepo();
  repo.git("config", "user.name", "Dev Tester");
  repo.git("config", "user.email", "dev@example.test");
  repo.write("src/app.py", "def total(xs):\n    return sum(xs)\n");
  repo.write(".gitignore", "*.log\n");
  repo.git("add", "-A");
  repo.git("commit", "-qm", "base");
  const home = mkdtempSync(join(tmpdir(), "devtrace-home-"));
  const env = { ...readClientEnv({}), home };
  const location = await locateAgent(repo.dir, env);
  const agents: Agent[] = [];
  const clients: LocalClient[] = [];
  return {
    repo,
    location,
    home,
    async start(serverUrl, token, o = {}) {
      const agent = await startRepoAgent({
        location,
        env,
        serverUrl,
        token,
        caFile: o.caFile,
        task: { description: o.task ?? "sum of an empty cart", testCommand: "pytest -q", testImage: "devtrace/sample-python:1" },
        logger: pino({ level: process.env.DEVTRACE_TEST_LOG ?? "silent" }),
      });
      if (agent) agents.push(agent);
      return agent;
    },
    async client() {
      const c = await LocalClient.connect(location.state.socket);
      clients.push(c);
      return c;
    },
    async [Symbol.asyncDispose]() {
      for (const c of clients) c.close();
      for (const a of agents) await a.close();
      repo[Symbol.dispose]();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** Polls `check` every 50 ms until it returns true; throws naming `what` after `timeoutMs`. */
export async function eventually(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
