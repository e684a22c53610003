import type { Logger } from "pino";
import { Agent, type AgentOptions } from "./agent.js";
import { defaultAgentParts } from "./agent-parts.js";
import type { ClientEnv } from "./config.js";
import type { AgentLocation } from "./launcher/locate-agent.js";
import { openTraceFile } from "./trace/trace-registration.js";
import { newTraceTask, traceIdentity } from "./trace/trace-task.js";

/** What `devtrace agent start --foreground` resolved from flags and environment. */
export interface RepoAgentOptions {
  location: AgentLocation;
  env: ClientEnv;
  serverUrl: string;
  token: string;
  caFile?: string;
  /** A new trace's task; ignored (with a warning) when the repository has one open. */
  task: { description?: string; testCommand?: string; testImage?: string };
  logger: Logger;
  /** `--ask-notes`: recorded shells suggest notes. */
  askNotes?: boolean;
  /** Override parts (tests use a small spool bound). */
  parts?: AgentOptions["parts"];
}

/** Starts the repository's agent in this process; undefined when another one runs. */
export async function startRepoAgent(o: RepoAgentOptions): Promise<Agent | undefined> {
  const { location, logger } = o;
  const identity = await traceIdentity(location.repo.root, o.env);
  return Agent.start({
    location,
    serverUrl: o.serverUrl,
    token: o.token,
    caFile: o.caFile,
    identity,
    logger,
    parts: o.parts ?? defaultAgentParts({ home: o.env.home, spoolLimitBytes: o.env.spoolMaxBytes }),
    askNotes: o.askNotes,
    openTrace: async () => {
      const task = await newTraceTask(location.repo.root, o.task);
      const opened = openTraceFile(location.state.traceFile, { serverUrl: o.serverUrl, task, identity });
      const taskGiven = Object.values(o.task).some((v) => v !== undefined);
      if (opened.resumed && taskGiven)
        logger.warn({ traceId: opened.file.traceId }, "a trace is already open for this repository: resumed it and kept its task (finalize it to start a new one)");
      if (opened.resumed && opened.file.serverUrl !== o.serverUrl)
        logger.warn({ traceServer: opened.file.serverUrl, server: o.serverUrl }, "the open trace lives on another server than the one given: it keeps streaming there");
      return opened;
    },
  });
}
