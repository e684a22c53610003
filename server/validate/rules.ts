import { Code, ConnectError } from "@connectrpc/connect";
import type { Timestamp } from "@bufbuild/protobuf/wkt";

/** 1 KiB, for limits written the way the proto comments write them. */
export const KiB = 1024;
/** 1 MiB. */
export const MiB = 1024 * 1024;

/** The INVALID_ARGUMENT every validator throws: "<field>: <problem>". */
export function invalid(field: string, problem: string): ConnectError {
  return new ConnectError(`${field}: ${problem}`, Code.InvalidArgument);
}

/** Human form of a byte limit for messages ("64 KiB", "1 MiB"). */
export function formatBytes(n: number): string {
  if (n >= MiB && n % MiB === 0) return `${n / MiB} MiB`;
  if (n >= KiB && n % KiB === 0) return `${n / KiB} KiB`;
  return `${n} bytes`;
}

/** How a string field is bounded. */
export interface TextRule {
  /** Empty is refused. Default false. */
  required?: boolean;
  /** Largest UTF-8 size allowed. */
  maxBytes: number;
}

/** Checks presence and UTF-8 size of a string field. */
export function checkText(field: string, value: string, rule: TextRule): void {
  if (value === "") {
    if (rule.required) throw invalid(field, "required");
    return;
  }
  // Cheap bound first: a UTF-16 string never takes fewer UTF-8 bytes than code units.
  if (value.length > rule.maxBytes || Buffer.byteLength(value, "utf8") > rule.maxBytes) {
    throw invalid(field, `${Buffer.byteLength(value, "utf8")} bytes is over the ${formatBytes(rule.maxBytes)} limit`);
  }
}

/** Checks a list's length and each of its strings. */
export function checkTextList(field: string, values: readonly string[], maxItems: number, rule: TextRule): void {
  if (values.length > maxItems) throw invalid(field, `${values.length} items is over the limit of ${maxItems}`);
  values.forEach((v, i) => checkText(`${field}[${i}]`, v, { ...rule, required: true }));
}

const hexSha256 = /^[0-9a-f]{64}$/;
const hexCommit = /^[0-9a-f]{7,64}$/;

/** Lower-case hex SHA-256 when set. */
export function checkSha256(field: string, value: string): void {
  if (value !== "" && !hexSha256.test(value)) throw invalid(field, "must be 64 lower-case hex digits (SHA-256)");
}

/** A git commit id: 7..64 hex digits; `required` refuses empty. */
export function checkCommitId(field: string, value: string, required: boolean): void {
  if (value === "") {
    if (required) throw invalid(field, "required");
    return;
  }
  if (!hexCommit.test(value.toLowerCase())) throw invalid(field, "must be a commit id of 7..64 hex digits");
}

// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z, the range google.protobuf.Timestamp allows.
const minSeconds = -62135596800n;
const maxSeconds = 253402300799n;

/** A Timestamp inside the range the well-known type allows; `required` refuses absence. */
export function checkTimestamp(field: string, value: Timestamp | undefined, required: boolean): void {
  if (value === undefined) {
    if (required) throw invalid(field, "required");
    return;
  }
  if (value.seconds < minSeconds || value.seconds > maxSeconds) throw invalid(field, "out of the Timestamp range");
  if (value.nanos < 0 || value.nanos > 999_999_999) throw invalid(field, "nanos must be in 0..999999999");
}

/**
 * A path inside the repository: relative to its root, "/"-separated, no ".." segment,
 * not absolute, 1..4096 bytes. Keeps QA from ever touching a file outside the checkout.
 */
export function checkRepoPath(field: string, value: string): void {
  checkText(field, value, { required: true, maxBytes: 4 * KiB });
  if (value.startsWith("/") || /^[A-Za-z]:/.test(value)) throw invalid(field, "must be relative to the repository root");
  if (value.includes("\\")) throw invalid(field, 'must use "/" as separator');
  if (value.includes("\0")) throw invalid(field, "must not contain NUL");
  if (value.split("/").includes("..")) throw invalid(field, 'must not contain a ".." segment');
}

/** A required trace id as the RPCs take it. */
export function checkTraceId(field: string, value: string): void {
  checkText(field, value, { required: true, maxBytes: 128 });
}
