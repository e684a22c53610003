import { eventBytes } from "../store/event-bytes.js";
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

/** Largest seq: 2^53 − 1, the largest every store and every JSON client hold exactly. */
export const maxSeq = BigInt(Number.MAX_SAFE_INTEGER);

/** Largest encoded Event (event.proto). */
export const maxEventBytes = 1 * MiB;

const short = { maxBytes: 256 };

/**
 * Enforces the rules written on `Event` in event.proto. `field` is the event's place in
 * the request (e.g. "events[3]") so errors name it: "events[3].seq: must be ≥ 1".
 */
export function validateEvent(event: Event, field: string): void {
  const size = eventBytes(event).length;
  if (size > maxEventBytes) {
    throw invalid(field, `encoded event is ${size} bytes, over the ${formatBytes(maxEventBytes)} event limit`);
  }
  if (event.seq < 1n) throw invalid(`${field}.seq`, "must be ≥ 1");
  if (event.seq > maxSeq) throw invalid(`${field}.seq`, `${event.seq} is over the limit of ${maxSeq} (2^53 − 1)`);
  checkText(`${field}.session_id`, event.sessionId, { required: true, maxBytes: 128 });
  checkTimestamp(`${field}.time`, event.time, true);
  validateKind(event, field);
}

type Kind = NonNullable<Event["kind"]["case"]>;
type KindValue<K extends Kind> = Extract<Event["kind"], { case: K }>["value"];

/** One validator per kind; `f` is the kind's field path, e.g. "events[3].file_edit". */
const kindRules: { [K in Kind]: (v: KindValue<K>, f: string) => void } = {
  fileOpened(v, f) {
    checkRepoPath(`${f}.path`, v.path);
    checkText(`${f}.language`, v.language, short);
  },
  fileEdit(v, f) {
    checkRepoPath(`${f}.path`, v.path);
    checkSha256(`${f}.before_sha256`, v.beforeSha256);
    checkSha256(`${f}.after_sha256`, v.afterSha256);
  },
  fileCreated(v, f) {
    checkRepoPath(`${f}.path`, v.path);
    checkSha256(`${f}.sha256`, v.sha256);
  },
  fileDeleted(v, f) {
    checkRepoPath(`${f}.path`, v.path);
    checkSha256(`${f}.before_sha256`, v.beforeSha256);
  },
  fileRenamed(v, f) {
    checkRepoPath(`${f}.old_path`, v.oldPath);
    checkRepoPath(`${f}.new_path`, v.newPath);
    checkSha256(`${f}.sha256`, v.sha256);
  },
  terminalCommand(v, f) {
    checkText(`${f}.command_line`, v.commandLine, { maxBytes: 64 * KiB });
    checkText(`${f}.cwd`, v.cwd, { maxBytes: 4 * KiB });
    checkText(`${f}.shell`, v.shell, short);
    checkTimestamp(`${f}.started_at`, v.startedAt, false);
    if (v.outputBytesCut > v.outputBytes) throw invalid(`${f}.output_bytes_cut`, "must not exceed output_bytes");
  },
  thought(v, f) {
    checkText(`${f}.text`, v.text, { required: true, maxBytes: 64 * KiB });
    checkTextList(`${f}.tags`, v.tags, 16, { maxBytes: 128 });
  },
  commitMade(v, f) {
    checkCommitId(`${f}.sha`, v.sha, true);
    checkText(`${f}.message`, v.message, { maxBytes: 64 * KiB });
    checkText(`${f}.branch`, v.branch, short);
    v.parentShas.forEach((s, i) => checkCommitId(`${f}.parent_shas[${i}]`, s, true));
  },
  branchSwitched(v, f) {
    checkText(`${f}.from_branch`, v.fromBranch, short);
    checkText(`${f}.to_branch`, v.toBranch, { required: true, maxBytes: 256 });
    checkCommitId(`${f}.head_sha`, v.headSha, false);
  },
  pushRemote(v, f) {
    checkText(`${f}.remote`, v.remote, { required: true, maxBytes: 256 });
    checkText(`${f}.branch`, v.branch, short);
    checkCommitId(`${f}.head_sha`, v.headSha, false);
  },
  prOpened(v, f) {
    checkText(`${f}.url`, v.url, { required: true, maxBytes: 2 * KiB });
    checkText(`${f}.title`, v.title, { maxBytes: 4 * KiB });
    checkText(`${f}.base_branch`, v.baseBranch, short);
    checkText(`${f}.head_branch`, v.headBranch, short);
  },
  goToDefinition(v, f) {
    checkLocation(`${f}.source`, v.source);
    checkLocation(`${f}.target`, v.target);
  },
  findReferences(v, f) {
    checkLocation(`${f}.source`, v.source);
    v.references.forEach((r, i) => checkLocation(`${f}.references[${i}]`, r));
  },
  recordLost(v, f) {
    checkText(`${f}.reason`, v.reason, { maxBytes: 4 * KiB });
  },
  sessionStarted(v, f) {
    if (v.sessionKind !== "shell" && v.sessionKind !== "lsp") throw invalid(`${f}.session_kind`, 'must be "shell" or "lsp"');
    checkText(`${f}.program`, v.program, short);
  },
};

function validateKind(event: Event, field: string): void {
  const k = event.kind;
  if (k.case === undefined) throw invalid(`${field}.kind`, "exactly one kind must be set");
  (kindRules[k.case] as (v: unknown, f: string) => void)(k.value, `${field}.${snake(k.case)}`);
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
