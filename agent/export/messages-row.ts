import type { Event } from "../../gen/devtrace/v1/event_pb.js";
import type { Trace } from "../../gen/devtrace/v1/trace_pb.js";
import type { ChatMessage } from "./chat-message.js";
import { repoSlug } from "./repo-slug.js";
import { instanceId } from "./swebench-row.js";
import { traceColumns, type TraceColumns } from "./trace-columns.js";
import { trajectoryMessages } from "./trajectory-messages.js";
import { trajectoryToolsJson } from "./trajectory-tools.js";

/** One trajectory row (the shape of SWE-smith / SWE-rebench trajectories), then devtrace's columns. */
export interface MessagesRow extends TraceColumns {
  instance_id: string;
  repo: string;
  base_commit: string;
  problem_statement: string;
  messages: ChatMessage[];
  /** The tools schema (OpenAI function tools) as a JSON string. */
  tools: string;
  /** Who produced the trajectory: always "human" for devtrace. */
  source: "human";
  /** The developer's final patch, whole. */
  model_patch: string;
  /** The trace's status when exported: "done", "failed"… */
  exit_status: string;
  /** True when the tests' verdict is RESOLVED. */
  resolved: boolean;
}

/** A trace and its events as one trajectory row. */
export function messagesRow(trace: Trace, events: Iterable<Event>, duplicateOf: string | null = null): MessagesRow {
  const columns = traceColumns(trace, duplicateOf);
  return {
    instance_id: instanceId(trace),
    repo: repoSlug(trace.task?.repoUrl ?? ""),
    base_commit: trace.task?.baseCommit ?? "",
    problem_statement: trace.task?.description ?? "",
    messages: [...trajectoryMessages(trace, events)],
    tools: trajectoryToolsJson,
    source: "human",
    model_patch: trace.finalPatch,
    exit_status: columns.status,
    resolved: columns.verdict === "RESOLVED",
    ...columns,
  };
}
