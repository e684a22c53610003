import { ScalarType, type DescField, type DescFile, type DescMessage } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { file_devtrace_v1_event } from "../../../gen/devtrace/v1/event_pb.js";
import { file_devtrace_v1_qa } from "../../../gen/devtrace/v1/qa_pb.js";
import { file_devtrace_v1_redaction } from "../../../gen/devtrace/v1/redaction_pb.js";
import { file_devtrace_v1_trace } from "../../../gen/devtrace/v1/trace_pb.js";
import { file_devtrace_v1_trace_service } from "../../../gen/devtrace/v1/trace_service_pb.js";
import { fieldPolicy } from "../../../redact/field-policy.js";

const files: DescFile[] = [file_devtrace_v1_event, file_devtrace_v1_trace, file_devtrace_v1_qa, file_devtrace_v1_redaction, file_devtrace_v1_trace_service];

function messages(list: readonly DescMessage[]): DescMessage[] {
  return list.flatMap((m) => [m, ...messages(m.nestedMessages)]);
}

function isStringLike(f: DescField): boolean {
  if (f.fieldKind === "scalar" || (f.fieldKind === "list" && f.listKind === "scalar")) return f.scalar === ScalarType.STRING;
  if (f.fieldKind === "map") return f.mapKey === ScalarType.STRING || (f.mapKind === "scalar" && f.scalar === ScalarType.STRING);
  return false;
}

/** Every string field (scalar, repeated, map key or value) of devtrace.v1, as "<type>.<field>". */
const stringFields = files.flatMap((f) => messages(f.messages)).flatMap((m) => m.fields.filter(isStringLike).map((f) => `${m.typeName}.${f.name}`));

describe("fieldPolicy", () => {
  it("decides how every string field of devtrace.v1 is redacted", () => {
    const undecided = stringFields.filter((name) => !(name in fieldPolicy));
    expect(undecided, `add these fields to redact/field-policy.ts with a treatment: ${undecided.join(", ")}`).toEqual([]);
    expect(stringFields.length).toBeGreaterThan(80);
  });

  it("names no field the protos do not have", () => {
    const known = new Set(stringFields);
    expect(Object.keys(fieldPolicy).filter((name) => !known.has(name))).toEqual([]);
  });

  it("redacts every free-text field a developer's machine sends", () => {
    for (const name of ["Task.description", "Task.repo_url", "Task.branch", "TerminalCommand.output", "Thought.text", "FinalizeTraceRequest.final_patch", "CommitMade.message", "PrOpened.title", "BranchSwitched.to_branch", "Environment.os"]) {
      expect(["text", "prose", "diff", "url"], name).toContain(fieldPolicy[`devtrace.v1.${name}`]);
    }
  });
});
