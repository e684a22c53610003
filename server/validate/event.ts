import { toBinary } from "@bufbuild/protobuf";
import { EventSchema } from "../../gen/devtrace/v1/event_pb.js";
import type { Event, Location } from "../../gen/devtrace/v1/event_pb.js";
import {
  KiB,
  MiB,
  checkCommitId,
  checkRepoPath,
  checkSha256,
  checkText,
  checkTextList,
  checkTimestamp,
  formatBytes,
  invalid,
} from "./rules.js";

/** Largest encoded Event (event.proto). */
export const maxEventBytes = 1 * MiB;

const short = { maxBytes: 256 };

/**
 * Enforces the rules written on `Event` in event.proto. `field` is the event's place in
 * the request (e.g. "events[3]") so errors name it: "events[3].seq: must be ≥ 1".
 */
export function validateEvent(event: Event, field: string): void {
  const size = toBinary(EventSchema, event).length;
  if (size > maxEventBytes) {
    throw invalid(field, `encoded event is ${size} bytes, over the ${formatBytes(maxEventBytes)} event limit`);
  }
  if (event.seq < 1n) throw invalid(`${field}.seq`, "must be ≥ 1");
  checkText(`${field}.session_id`, event.sessionId, { required: true, maxBytes: 128 });
  checkTimestamp(`${field}.time`, event.time, true);
  validateKind(event, field);
}

function validateKind(event: Event, field: string): void {
  const k = event.kind;
  const f = `${field}.${snake(k.case ?? "kind")}`;
  switch (k.case) {
    case undefined:
      throw invalid(`${field}.kind`, "exactly one kind must be set");
    case "fileOpened":
      checkRepoPath(`${f}.path`, k.value.path);
      checkText(`${f}.language`, k.value.language, short);
      return;
    case "fileEdit":
      checkRepoPath(`${f}.path`, k.value.path);
      checkSha256(`${f}.before_sha256`, k.value.beforeSha256);
      checkSha256(`${f}.after_sha256`, k.value.afterSha256);
      return;
    case "fileCreated":
      checkRepoPath(`${f}.path`, k.value.path);
      checkSha256(`${f}.sha256`, k.value.sha256);
      return;
    case "fileDeleted":
      checkRepoPath(`${f}.path`, k.value.path);
      checkSha256(`${f}.before_sha256`, k.value.beforeSha256);
      return;
    case "fileRenamed":
      checkRepoPath(`${f}.old_path`, k.value.oldPath);
      checkRepoPath(`${f}.new_path`, k.value.newPath);
      checkSha256(`${f}.sha256`, k.value.sha256);
      return;
    case "terminalCommand": {
      const c = k.value;
      checkText(`${f}.command_line`, c.commandLine, { maxBytes: 64 * KiB });
      checkText(`${f}.cwd`, c.cwd, { maxBytes: 4 * KiB });
      checkText(`${f}.shell`, c.shell, short);
      checkTimestamp(`${f}.started_at`, c.startedAt, false);
      if (c.outputBytesCut > c.outputBytes) throw invalid(`${f}.output_bytes_cut`, "must not exceed output_bytes");
      return;
    }
    case "thought":
      checkText(`${f}.text`, k.value.text, { required: true, maxBytes: 64 * KiB });
      checkTextList(`${f}.tags`, k.value.tags, 16, { maxBytes: 128 });
      return;
    case "commitMade":
      checkCommitId(`${f}.sha`, k.value.sha, true);
      checkText(`${f}.message`, k.value.message, { maxBytes: 64 * KiB });
      checkText(`${f}.branch`, k.value.branch, short);
      k.value.parentShas.forEach((s, i) => checkCommitId(`${f}.parent_shas[${i}]`, s, true));
      return;
    case "branchSwitched":
      checkText(`${f}.from_branch`, k.value.fromBranch, short);
      checkText(`${f}.to_branch`, k.value.toBranch, { required: true, maxBytes: 256 });
      checkCommitId(`${f}.head_sha`, k.value.headSha, false);
      return;
    case "pushRemote":
      checkText(`${f}.remote`, k.value.remote, { required: true, maxBytes: 256 });
      checkText(`${f}.branch`, k.value.branch, short);
      checkCommitId(`${f}.head_sha`, k.value.headSha, false);
      return;
    case "prOpened":
      checkText(`${f}.url`, k.value.url, { required: true, maxBytes: 2 * KiB });
      checkText(`${f}.title`, k.value.title, { maxBytes: 4 * KiB });
      checkText(`${f}.base_branch`, k.value.baseBranch, short);
      checkText(`${f}.head_branch`, k.value.headBranch, short);
      return;
    case "goToDefinition":
      checkLocation(`${f}.source`, k.value.source);
      checkLocation(`${f}.target`, k.value.target);
      return;
    case "findReferences":
      checkLocation(`${f}.source`, k.value.source);
      k.value.references.forEach((r, i) => checkLocation(`${f}.references[${i}]`, r));
      return;
  }
}

function checkLocation(field: string, loc: Location | undefined): void {
  if (loc === undefined) throw invalid(field, "required");
  checkRepoPath(`${field}.path`, loc.path);
  checkText(`${field}.symbol`, loc.symbol, { maxBytes: 4 * KiB });
  checkText(`${field}.symbol_kind`, loc.symbolKind, { maxBytes: 64 });
}

/** "fileEdit" → "file_edit": errors use the proto's field names. */
function snake(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}
