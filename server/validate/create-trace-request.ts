import type { Developer, Environment, Task } from "../../gen/devtrace/v1/trace_pb.js";
import type { CreateTraceRequest } from "../../gen/devtrace/v1/trace_service_pb.js";
import { checkWellFormed } from "./well-formed.js";
import { imageReferenceProblem } from "../qa/image-reference.js";
import { KiB, MiB, checkCommitId, checkText, checkTextList, invalid } from "./rules.js";

/** Enforces the rules on Developer, Task and Environment (trace.proto) and request_id. */
export function validateCreateTraceRequest(req: CreateTraceRequest): void {
  checkWellFormed("", req);
  validateDeveloper("developer", req.developer);
  validateTask("task", req.task);
  if (req.environment) validateEnvironment("environment", req.environment);
  checkText("request_id", req.requestId, { maxBytes: 128 });
}

function validateDeveloper(field: string, d: Developer | undefined): void {
  if (d === undefined) throw invalid(field, "required");
  checkText(`${field}.id`, d.id, { required: true, maxBytes: 128 });
  checkText(`${field}.name`, d.name, { maxBytes: 256 });
  checkText(`${field}.email`, d.email, { maxBytes: 256 });
  checkText(`${field}.experience_level`, d.experienceLevel, { maxBytes: 256 });
}

function validateTask(field: string, t: Task | undefined): void {
  if (t === undefined) throw invalid(field, "required");
  checkText(`${field}.description`, t.description, { maxBytes: 64 * KiB });
  checkText(`${field}.repo_url`, t.repoUrl, { required: true, maxBytes: 2 * KiB });
  checkCommitId(`${field}.base_commit`, t.baseCommit, true);
  checkText(`${field}.branch`, t.branch, { maxBytes: 256 });
  checkText(`${field}.test_image`, t.testImage, { maxBytes: 256 });
  const imageProblem = t.testImage === "" ? undefined : imageReferenceProblem(t.testImage);
  if (imageProblem) throw invalid(`${field}.test_image`, imageProblem);
  checkText(`${field}.test_command`, t.testCommand, { maxBytes: 4 * KiB });
  checkText(`${field}.test_patch`, t.testPatch, { maxBytes: MiB });
}

function validateEnvironment(field: string, e: Environment): void {
  const free = { maxBytes: 256 };
  checkText(`${field}.os`, e.os, free);
  checkText(`${field}.editor`, e.editor, free);
  checkText(`${field}.editor_version`, e.editorVersion, free);
  checkText(`${field}.shell`, e.shell, free);
  checkText(`${field}.agent_version`, e.agentVersion, free);
  checkTextList(`${field}.plugins`, e.plugins, 64, free);
}
