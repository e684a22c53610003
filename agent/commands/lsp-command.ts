import { randomUUID } from "node:crypto";
import { pino, type Logger } from "pino";
import type { Event } from "../../gen/devtrace/v1/event_pb.js";
import { readClientEnv } from "../config.js";
import { locateAgent, type AgentLocation } from "../launcher/locate-agent.js";
import { exitLike, runLspProxy, type ServerExit } from "../lsp/lsp-proxy.js";
import { NavigationRecorder } from "../lsp/navigation-recorder.js";
import { sessionStartedEvent } from "../shell/session-started-event.js";
import { ShellLink } from "../shell-link/shell-link.js";
import { parseCommandArgs, UsageError } from "./command-args.js";

const usage = `usage: devtrace lsp [--repo DIR] -- SERVER_CMD [ARGS...]

Runs the language server SERVER_CMD for an editor (stdio) and records, through the
repository's running agent, the files opened (file_opened), the definitions jumped to
(go_to_definition) and the references listed (find_references). Every byte passes through
unchanged; the server's exit code and stderr are the proxy's. Nothing outside the
repository is recorded. When no agent runs, events wait on disk until one starts.
Configure the editor to run this in place of its server (see the README).

options:
  --repo DIR   the repository (default: the one containing the current directory)`;

/** Longest an event waits before it is written to the outbox. */
const batchMs = 200;

/** `devtrace lsp`. */
export async function runLspCommand(argv: string[]): Promise<number> {
  const split = argv.indexOf("--");
  const own = split >= 0 ? argv.slice(0, split) : argv;
  const { values, positionals } = parseCommandArgs(own, { repo: { type: "string" }, help: { type: "boolean", short: "h" } }, usage, split < 0);
  if (values.help) return (console.error(usage), 0);
  const server = split >= 0 ? argv.slice(split + 1) : positionals;
  if (server.length === 0) throw new UsageError("the language server command is missing (after --)", usage);
  const env = readClientEnv();
  // stdout belongs to the editor: every log line goes to stderr, which editors show in their LSP log.
  const logger = pino({ name: "devtrace-lsp", level: env.logLevel }, pino.destination(2));
  let location: AgentLocation | undefined;
  try {
    location = await locateAgent(values.repo, env);
  } catch (err) {
    logger.warn(`${(err as Error).message}; navigation is not recorded`);
  }
  const recording = location ? record(location, server[0], logger) : undefined;
  let exit: ServerExit;
  try {
    exit = await runLspProxy({
      command: server[0],
      args: server.slice(1),
      logger,
      onClientMessage: recording && ((body) => recording.recorder.fromClient(body)),
      onServerMessage: recording && ((body) => recording.recorder.fromServer(body)),
    });
  } finally {
    if (recording) await recording.close();
  }
  exitLike(exit);
  return process.exitCode as number;
}

function record(location: AgentLocation, serverName: string, logger: Logger) {
  const sessionId = `lsp-${randomUUID()}`;
  const link = new ShellLink({
    location,
    sessionId,
    shell: `lsp:${serverName.split("/").pop()}`.slice(0, 64),
    pid: () => process.pid,
    startArgs: [],
    startEnv: {},
    tell: (message) => logger.info(message),
    autoStart: false,
  });
  link.push(sessionStartedEvent("lsp", serverName.split("/").pop() ?? serverName, true));
  void link.start();
  // Each outbox write costs an fsync (milliseconds) on the thread that forwards: events are
  // written in batches, at most every 200 ms, after the bytes in hand were forwarded.
  const batch: Event[] = [];
  let timer: NodeJS.Timeout | undefined;
  const write = () => {
    timer = undefined;
    link.pushAll(batch.splice(0));
  };
  const sink = (event: Event) => {
    batch.push(event);
    timer ??= setTimeout(write, batchMs);
  };
  const recorder = new NavigationRecorder({ root: location.repo.root, sink, logger });
  return {
    recorder,
    async close() {
      recorder.flush();
      clearTimeout(timer);
      write();
      await link.close();
      if (link.pending > 0) logger.warn(`${link.pending} navigation events wait in ${location.state.outbox} for the agent`);
    },
  };
}
