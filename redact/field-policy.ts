/**
 * Every string field of devtrace.v1 and what redaction does with it. Anything a client
 * sends is untrusted and may carry a secret, so free text is redacted by default; a
 * field is kept only when its value is an id, a hash or a name the server makes itself.
 * test/unit/redact/field-policy.test.ts fails when a string field has no entry here, so a
 * new field in the protos cannot leave the machine without a decision.
 */

/** How one string field is treated. */
export type FieldTreatment =
  /** Redacted: command lines, output, paths, branch names. */
  | "text"
  /** The user's own words: redacted, and a bare high-entropy value counts as a secret. */
  | "prose"
  /** A unified diff: redacted with each line's prefix kept, so it stays a valid patch. */
  | "diff"
  /** A URL: userinfo removed (`https://user:token@host` → `https://host`), then redacted. */
  | "url"
  /** Kept: ids, hashes, enum-like names and fixed-format values checked by validation. */
  | "keep"
  /** Written by the server from already redacted data (QA results, status): not client input. */
  | "server"
  /** A credential by design (upload tokens): checked against a hash, never stored. */
  | "credential"
  /** A query or paging value of a read request: never stored. */
  | "query";

/** The decision for each string field, keyed by `<message type name>.<field name>`. */
export const fieldPolicy: Readonly<Record<string, FieldTreatment>> = {
  "devtrace.v1.Event.session_id": "keep",
  "devtrace.v1.Location.path": "text",
  "devtrace.v1.Location.symbol": "text",
  "devtrace.v1.Location.symbol_kind": "keep",
  "devtrace.v1.GoToDefinition.request": "text",
  "devtrace.v1.SessionStarted.session_kind": "text",
  "devtrace.v1.SessionStarted.program": "text",
  "devtrace.v1.FileOpened.path": "text",
  "devtrace.v1.FileOpened.language": "keep",
  "devtrace.v1.FileEdit.path": "text",
  "devtrace.v1.FileEdit.unified_diff": "diff",
  "devtrace.v1.FileEdit.before_sha256": "keep",
  "devtrace.v1.FileEdit.after_sha256": "keep",
  "devtrace.v1.FileCreated.path": "text",
  "devtrace.v1.FileCreated.sha256": "keep",
  "devtrace.v1.FileCreated.unified_diff": "diff",
  "devtrace.v1.FileDeleted.path": "text",
  "devtrace.v1.FileDeleted.before_sha256": "keep",
  "devtrace.v1.FileRenamed.old_path": "text",
  "devtrace.v1.FileRenamed.new_path": "text",
  "devtrace.v1.FileRenamed.sha256": "keep",
  "devtrace.v1.TerminalCommand.command_line": "text",
  "devtrace.v1.TerminalCommand.cwd": "text",
  "devtrace.v1.TerminalCommand.output": "text",
  "devtrace.v1.TerminalCommand.shell": "text",
  "devtrace.v1.Thought.text": "prose",
  "devtrace.v1.Thought.tags": "text",
  "devtrace.v1.CommitMade.sha": "keep",
  "devtrace.v1.CommitMade.message": "prose",
  "devtrace.v1.CommitMade.branch": "text",
  "devtrace.v1.CommitMade.parent_shas": "keep",
  "devtrace.v1.BranchSwitched.from_branch": "text",
  "devtrace.v1.BranchSwitched.to_branch": "text",
  "devtrace.v1.BranchSwitched.head_sha": "keep",
  "devtrace.v1.PushRemote.remote": "url",
  "devtrace.v1.PushRemote.branch": "text",
  "devtrace.v1.PushRemote.head_sha": "keep",
  "devtrace.v1.PrOpened.url": "url",
  "devtrace.v1.PrOpened.title": "prose",
  "devtrace.v1.PrOpened.base_branch": "text",
  "devtrace.v1.PrOpened.head_branch": "text",
  "devtrace.v1.RecordLost.reason": "text",
  // The ingest token's own name (or an id an admin chose); validated, shown to researchers.
  "devtrace.v1.Developer.id": "keep",
  "devtrace.v1.Developer.name": "text",
  "devtrace.v1.Developer.email": "text",
  "devtrace.v1.Developer.experience_level": "text",
  "devtrace.v1.Task.description": "prose",
  "devtrace.v1.Task.repo_url": "url",
  "devtrace.v1.Task.base_commit": "keep",
  "devtrace.v1.Task.branch": "text",
  "devtrace.v1.Task.test_image": "text",
  "devtrace.v1.Task.test_command": "text",
  // The researcher's reference tests, not developer data; QA must apply them unchanged.
  "devtrace.v1.Task.test_patch": "keep",
  "devtrace.v1.Environment.os": "text",
  "devtrace.v1.Environment.editor": "text",
  "devtrace.v1.Environment.editor_version": "text",
  "devtrace.v1.Environment.shell": "text",
  "devtrace.v1.Environment.agent_version": "text",
  "devtrace.v1.Environment.plugins": "text",
  "devtrace.v1.Trace.id": "keep",
  "devtrace.v1.Trace.status_detail": "server",
  // Redacted when it arrives (FinalizeTraceRequest.final_patch); QA's derived patch comes from redacted edits.
  "devtrace.v1.Trace.final_patch": "diff",
  "devtrace.v1.TestCase.name": "server",
  "devtrace.v1.TestCase.message": "server",
  "devtrace.v1.TestRun.report_format": "server",
  "devtrace.v1.TestRun.stdout": "server",
  "devtrace.v1.TestRun.stderr": "server",
  "devtrace.v1.TestRun.container_id": "server",
  "devtrace.v1.TestResults.image": "server",
  "devtrace.v1.TestResults.command": "server",
  "devtrace.v1.TestResults.patch_method": "server",
  "devtrace.v1.TestResults.fail_to_pass": "server",
  "devtrace.v1.TestResults.pass_to_pass": "server",
  "devtrace.v1.TestResults.regressions": "server",
  "devtrace.v1.TestResults.fail_to_fail": "server",
  "devtrace.v1.TestResults.added": "server",
  "devtrace.v1.TestResults.removed": "server",
  "devtrace.v1.TestResults.skipped": "server",
  "devtrace.v1.TestResults.test_files": "server",
  "devtrace.v1.TestResults.code_files": "server",
  "devtrace.v1.TestResults.not_run_reason": "server",
  "devtrace.v1.DimensionScore.rationale": "server",
  "devtrace.v1.JudgeResult.model": "server",
  "devtrace.v1.JudgeResult.rubric_version": "server",
  "devtrace.v1.JudgeResult.summary": "server",
  "devtrace.v1.JudgeResult.prompt_sha256": "server",
  "devtrace.v1.QaResult.error": "server",
  "devtrace.v1.QaResult.attempt_errors": "server",
  "devtrace.v1.RedactionCount.rule": "server",
  "devtrace.v1.CreateTraceRequest.request_id": "keep",
  "devtrace.v1.CreateTraceResponse.upload_token": "credential",
  "devtrace.v1.StreamOpen.trace_id": "keep",
  "devtrace.v1.StreamOpen.upload_token": "credential",
  "devtrace.v1.AppendEventsRequest.trace_id": "keep",
  "devtrace.v1.AppendEventsRequest.upload_token": "credential",
  "devtrace.v1.FinalizeTraceRequest.trace_id": "keep",
  "devtrace.v1.FinalizeTraceRequest.upload_token": "credential",
  "devtrace.v1.FinalizeTraceRequest.final_patch": "diff",
  "devtrace.v1.GetTraceRequest.trace_id": "query",
  "devtrace.v1.TraceFilter.developer_id": "query",
  "devtrace.v1.TraceFilter.repo_url": "query",
  "devtrace.v1.ListTracesRequest.page_token": "query",
  "devtrace.v1.ListTracesResponse.next_page_token": "server",
  "devtrace.v1.WatchTraceRequest.trace_id": "query",
  "devtrace.v1.WatchTraceResponse.status_detail": "server",
  "devtrace.v1.DeleteTraceRequest.trace_id": "query",
};

/** The treatment of `<type>.<field>`, or undefined when the policy has no decision for it. */
export function treatmentOf(typeName: string, fieldName: string): FieldTreatment | undefined {
  return fieldPolicy[`${typeName}.${fieldName}`];
}
