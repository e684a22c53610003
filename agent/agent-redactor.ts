import { join } from "node:path";
import type { Logger } from "pino";
import { EventSchema, type Event } from "../gen/devtrace/v1/event_pb.js";
import { CreateTraceRequestSchema, type CreateTraceRequest } from "../gen/devtrace/v1/trace_service_pb.js";
import { createRedactor, redactMessage } from "../redact/index.js";

/** The user's own redaction patterns (a JSON array, see redact/redact-patterns-file.ts); optional. */
export function redactPatternsFile(home: string): string {
  return join(home, ".config", "devtrace", "redact-patterns.json");
}

/** Everything the agent sends goes through one of these before it leaves the machine. */
export interface AgentRedactor {
  /** An event, before it is spooled. */
  event(event: Event): Promise<Event>;
  /** The final patch: redacted as a diff, so it still parses and applies (see README "Secrets"). */
  patch(patch: string): Promise<string>;
  /** CreateTrace's task (description, repo URL without userinfo, branch…), environment and developer. */
  createTraceRequest(request: CreateTraceRequest): Promise<CreateTraceRequest>;
}

/** The agent's redactor: secrets become [REDACTED:<rule>], the home directory "~". */
export async function createAgentRedactor(home: string, logger: Logger): Promise<AgentRedactor> {
  const redactor = await createRedactor({
    home,
    patternsFile: redactPatternsFile(home),
    patternsFileOptional: true,
    onWarning: (message) => logger.warn({ component: "redact" }, message),
  });
  return {
    event: (event) => redactMessage(redactor, EventSchema, event),
    patch: async (patch) => (await redactor.redactDetailed(patch, { diff: true })).text,
    createTraceRequest: (request) => redactMessage(redactor, CreateTraceRequestSchema, request),
  };
}
