import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { create, toJson } from "@bufbuild/protobuf";
import { timestampNow } from "@bufbuild/protobuf/wkt";
import { EventSchema } from "../../gen/devtrace/v1/event_pb.js";
import { cliSessionId } from "../session-ids.js";
import { readClientEnv } from "../config.js";
import { connectAgent } from "../launcher/ensure-agent.js";
import { locateAgent } from "../launcher/locate-agent.js";
import { AgentRequestError } from "../local/local-client.js";
import { appendOutbox, outboxFileFor } from "../outbox/outbox-file.js";
import { ensureStateDir } from "../state/state-dir.js";
import { parseCommandArgs, UsageError } from "./command-args.js";

const usage = `usage: devtrace note TEXT [--tag T]... [--repo DIR]
       devtrace note - [--tag T]...      (the text from stdin)

Records a thought (your reasoning) in the running agent's trace. Inside a recorded shell
the note carries that shell's session id and is not also recorded as a command.`;

/** `devtrace note`. */
export async function runNoteCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    argv,
    { tag: { type: "string", multiple: true }, repo: { type: "string" }, help: { type: "boolean", short: "h" } },
    usage,
    true,
  );
  if (values.help) return (console.log(usage), 0);
  const text = (positionals.length === 1 && positionals[0] === "-" ? readFileSync(0, "utf8") : positionals.join(" ")).trim();
  if (text === "") throw new UsageError("a note needs text", usage);
  const env = readClientEnv();
  const location = await locateAgent(values.repo, env);
  const tags = values.tag ?? [];
  const sessionId = env.sessionId ?? cliSessionId;
  const agent = await connectAgent(location);
  if (!agent) {
    // Kept for the next agent instead of lost: it spools dead processes' outboxes at start.
    ensureStateDir(location.state);
    const event = create(EventSchema, { sessionId, time: timestampNow(), kind: { case: "thought", value: { text, tags } } });
    appendOutbox(outboxFileFor(location.state.outbox, process.pid, `note-${randomUUID()}`), [
      { sessionId, event: toJson(EventSchema, event) as Record<string, unknown> },
    ]);
    console.error(`devtrace: no agent is running for ${location.repo.root}; the note is kept and recorded when it starts (devtrace agent start)`);
    return 0;
  }
  try {
    const result = await agent.client.request<{ outcome: string; seq?: string }>("note", { text, tags, sessionId });
    console.error(result.seq ? `devtrace: noted (event ${result.seq} of the trace)` : "devtrace: noted");
    return 0;
  } catch (err) {
    if (err instanceof AgentRequestError) {
      console.error(`devtrace: the agent refused the note: ${err.message}`);
      return 1;
    }
    throw err;
  } finally {
    agent.client.close();
  }
}
