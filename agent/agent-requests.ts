import { create, toJson } from "@bufbuild/protobuf";
import { EventSchema } from "../gen/devtrace/v1/event_pb.js";
import { TraceSchema } from "../gen/devtrace/v1/trace_pb.js";
import type { AgentRuntime } from "./agent.js";
import { agentStatus } from "./agent-status.js";
import { finalizeTrace } from "./finalize-flow.js";
import { eventFromSocketJson } from "./local/editor-event.js";
import type { LocalRequest } from "./local/local-protocol.js";
import { LocalError, type LocalConnection, type LocalHandler } from "./local/local-server.js";
import { agentVersion } from "./agent-version.js";
import { cliSessionId, editorSessionId } from "./session-ids.js";
import { createServerTransport } from "./uplink/server-transport.js";

/** Limits the server enforces on thoughts, checked here so `devtrace note` fails with a clear message. */
const maxNoteBytes = 64 * 1024;
const maxTags = 16;


/** The agent's answers to local socket requests. */
export function createRequestHandler(agent: AgentRuntime): LocalHandler {
  let finalizing: Promise<unknown> | undefined;
  return async (request, connection) => {
    switch (request.type) {
      case "hello":
        return hello(agent);
      case "status":
        return agentStatus(agent);
      case "note":
        return note(agent, request);
      case "event":
        return event(agent, request);
      case "attach":
        agent.terminals.attach(connection, { sessionId: request.sessionId, shell: request.shell, pid: request.pid, since: new Date() });
        return hello(agent);
      case "finalize":
        finalizing ??= finalize(agent, request, connection).finally(() => (finalizing = undefined));
        return finalizing;
      case "stop":
        return stop(agent, request, connection);
    }
  };
}

function hello(agent: AgentRuntime) {
  const { options, startedAt } = agent;
  return {
    pid: process.pid,
    version: agentVersion(),
    repo: options.location.repo.root,
    traceId: agent.registration.current.traceId,
    startedAt: startedAt.toISOString(),
    socket: options.location.state.socket,
    resumed: agent.resumed,
    serverUrl: agent.serverUrl,
    askNotes: options.askNotes === true,
  };
}

/** Commands and notes are taken until finalize seals (file changes stop earlier, at the final patch). */
function refuseWhenSealed(agent: AgentRuntime): void {
  if (agent.sealed) throw new LocalError("finalized", "the trace is being sealed or already is: nothing more is recorded");
}

async function note(agent: AgentRuntime, request: Extract<LocalRequest, { type: "note" }>) {
  refuseWhenSealed(agent);
  if (Buffer.byteLength(request.text) > maxNoteBytes) throw new LocalError("too_large", `a note is at most ${maxNoteBytes} bytes`);
  if (request.tags.length > maxTags) throw new LocalError("bad_request", `a note has at most ${maxTags} tags`);
  const event = create(EventSchema, {
    sessionId: request.sessionId ?? cliSessionId,
    kind: { case: "thought", value: { text: request.text, tags: request.tags } },
  });
  return spool(agent, event);
}

async function event(agent: AgentRuntime, request: Extract<LocalRequest, { type: "event" }>) {
  refuseWhenSealed(agent);
  const json = request.sessionId ? { ...request.event, sessionId: request.sessionId } : request.event;
  const parsed = eventFromSocketJson(json, agent.options.location.repo.root, editorSessionId);
  if ("error" in parsed) throw new LocalError(parsed.error.code, parsed.error.message);
  return spool(agent, parsed.value, request.record);
}

async function spool(agent: AgentRuntime, event: ReturnType<typeof create<typeof EventSchema>>, record?: number) {
  try {
    const outcome = await agent.intake.accept(event, { record });
    return outcome.kind === "spooled" ? { outcome: outcome.kind, seq: String(outcome.seq) } : { outcome: outcome.kind };
  } catch (err) {
    throw new LocalError("unavailable", `the event could not be spooled: ${(err as Error).message}`, { cause: err });
  }
}

async function finalize(agent: AgentRuntime, request: Extract<LocalRequest, { type: "finalize" }>, connection: LocalConnection) {
  if (agent.finalized) return finalizedResult(agent);
  agent.finalizing = true;
  const abort = new AbortController();
  connection.onClose(() => abort.abort());
  const { options } = agent;
  try {
    const trace = await finalizeTrace(
      {
        root: options.location.repo.root,
        baseCommit: agent.registration.current.task.baseCommit,
        watcher: agent.watcher,
        intake: agent.intake,
        spool: agent.spool,
        uplink: agent.uplink,
        registration: agent.registration,
        connect: () => createServerTransport({ url: agent.serverUrl, token: options.token, caFile: options.caFile }),
        logger: options.logger.child({ component: "finalize" }),
        collectOutboxes: () => agent.collectOutboxes(),
        redactPatch: (patch) => agent.redactor.patch(patch),
        freeze: () => (agent.frozen = true),
        seal: () => (agent.sealed = true),
      },
      (progress) => connection.send({ v: 1, id: request.id, progress }),
      abort.signal,
      request.timeoutMs,
    );
    agent.finalized = trace;
  } catch (err) {
    agent.finalizing = false;
    agent.frozen = false;
    agent.sealed = false;
    throw new LocalError("unavailable", (err as Error).message, { cause: err });
  }
  agent.terminals.broadcast({ v: 1, notice: "finalized", traceId: agent.finalized.id, message: `trace ${agent.finalized.id} is finalized; this terminal is no longer recorded` });
  // The answer goes out first; the agent then stops, its trace being sealed.
  setImmediate(() => agent.requestStop("finalized"));
  return finalizedResult(agent);
}

function finalizedResult(agent: AgentRuntime) {
  const trace = agent.finalized;
  return {
    trace: trace ? toJson(TraceSchema, trace) : undefined,
    serverUrl: agent.serverUrl,
    caFile: agent.options.caFile,
  };
}

async function stop(agent: AgentRuntime, request: Extract<LocalRequest, { type: "stop" }>, connection: LocalConnection) {
  const deadline = Date.now() + (request.timeoutMs ?? 15_000);
  await agent.watcher?.flush();
  await agent.intake.settled();
  agent.uplink.retryNow();
  while (agent.spool.ackedSeq() < agent.spool.lastSeq() && Date.now() < deadline) {
    connection.send({ v: 1, id: request.id, progress: { queued: String(agent.spool.lastSeq() - agent.spool.ackedSeq()), connection: agent.uplink.snapshot().state } });
    await new Promise((r) => setTimeout(r, 250));
  }
  const queued = agent.spool.lastSeq() - agent.spool.ackedSeq();
  // Shells stop restarting the agent they lose after this: it was stopped on purpose.
  agent.terminals.broadcast({ v: 1, notice: "stopped", message: "the devtrace agent was stopped; commands are kept and delivered when it starts again" });
  setImmediate(() => agent.requestStop("stop requested"));
  return { drained: queued === 0n, queued: String(queued) };
}
