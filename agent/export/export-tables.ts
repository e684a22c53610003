import { bool, double, int64, list, str, struct, type TableColumns } from "./parquet-columns.js";

/** devtrace's own columns, shared by both tables. */
const traceColumns: TableColumns = {
  trace_id: str,
  developer_id: str,
  status: str,
  verdict: str,
  score: double,
  judge_model: str,
  judge_heuristic: bool,
  rubric_version: str,
  judge_overall: double,
  judge_problem_understanding: int64,
  judge_investigation_strategy: int64,
  judge_decision_rationale: int64,
  judge_use_of_evidence: int64,
  judge_reproducibility: int64,
  judge_safety_privacy_awareness: int64,
  event_count: int64,
  duplicate_of: str,
};

/** The swebench table: SWE-bench's columns, its harness's, then devtrace's (as in SwebenchRow). */
export const swebenchColumns: TableColumns = {
  instance_id: str,
  repo: str,
  repo_url: str,
  base_commit: str,
  patch: str,
  test_patch: str,
  problem_statement: str,
  hints_text: str,
  FAIL_TO_PASS: str,
  PASS_TO_PASS: str,
  created_at: str,
  version: str,
  environment_setup_commit: str,
  image: str,
  log_parser: str,
  eval_type: str,
  eval_script: str,
  ...traceColumns,
};

const step = struct({ seq: int64, session_id: str, time: str, kind: str, tags: list(str) });
const toolCall = struct({ id: str, type: str, function: struct({ name: str, arguments: str }) });

/** The messages table (as in MessagesRow): messages nested as list<struct>, tools as a JSON string. */
export const messagesColumns: TableColumns = {
  instance_id: str,
  repo: str,
  base_commit: str,
  problem_statement: str,
  messages: list(struct({ role: str, content: str, tool_calls: list(toolCall), tool_call_id: str, name: str, steps: list(step) })),
  tools: str,
  source: str,
  model_patch: str,
  exit_status: str,
  resolved: bool,
  ...traceColumns,
};
