/**
 * The agent's local socket protocol, version 1: newline-delimited JSON over the Unix
 * socket in the repository's state directory. Documented for plugin authors in the README.
 *
 * Every request is one line: {"v":1,"id":"<any string>","type":"<type>", ...fields}.
 * The agent answers each with one line {"v":1,"id":"<same>","ok":true,"result":{...}} or
 * {"v":1,"id":"<same>","ok":false,"error":{"code":"<code>","message":"..."}}; long
 * requests (finalize, stop) may first send {"v":1,"id":"<same>","progress":{...}} lines.
 * Lines without "id" are notices the agent pushes to attached terminals.
 */

/** The protocol version this agent speaks. */
export const protocolVersion = 1;

/** Longest request line accepted (a terminal command's output is bounded well below this). */
export const maxLineBytes = 8 * 1024 * 1024;

/** Error codes of failed requests. */
export type LocalErrorCode =
  | "bad_request"
  | "unsupported_version"
  | "unknown_type"
  | "invalid_event"
  | "too_large"
  | "finalized"
  | "unavailable"
  | "internal";

/** A request as sent by the CLI, a recorded shell or an editor plugin. */
export type LocalRequest =
  | { v: 1; id: string; type: "hello"; client?: string }
  | { v: 1; id: string; type: "status" }
  | { v: 1; id: string; type: "note"; text: string; tags: string[]; sessionId?: string }
  | { v: 1; id: string; type: "event"; event: Record<string, unknown>; sessionId?: string; record?: number }
  | { v: 1; id: string; type: "attach"; sessionId: string; shell: string; pid: number }
  | { v: 1; id: string; type: "finalize"; timeoutMs?: number }
  | { v: 1; id: string; type: "stop"; timeoutMs?: number };

/** The request type names. */
export type LocalRequestType = LocalRequest["type"];

/** A line the agent writes back. */
export type LocalResponse =
  | { v: 1; id: string; ok: true; result: unknown }
  | { v: 1; id: string; ok: false; error: { code: LocalErrorCode; message: string } }
  | { v: 1; id: string; progress: unknown }
  | { v: 1; notice: string; [k: string]: unknown };

/** A parse outcome: the value, or why the line was refused. */
export type Parsed<T> = { value: T } | { error: { code: LocalErrorCode; message: string; id?: string } };

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x);
const isString = (x: unknown): x is string => typeof x === "string";

/** Parses and validates one request line; never throws. */
export function parseLocalRequest(line: string): Parsed<LocalRequest> {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch (err) {
    return { error: { code: "bad_request", message: `not JSON: ${(err as Error).message}` } };
  }
  if (!isRecord(raw)) return { error: { code: "bad_request", message: "a request is a JSON object" } };
  const id = isString(raw.id) || typeof raw.id === "number" ? String(raw.id) : undefined;
  const fail = (code: LocalErrorCode, message: string): Parsed<LocalRequest> => ({ error: { code, message, id } });
  if (raw.v !== protocolVersion) return fail("unsupported_version", `"v" must be ${protocolVersion}`);
  if (id === undefined) return fail("bad_request", `"id" (string) is required`);
  const base = { v: 1 as const, id };
  switch (raw.type) {
    case "hello":
      return { value: { ...base, type: "hello", client: isString(raw.client) ? raw.client : undefined } };
    case "status":
      return { value: { ...base, type: "status" } };
    case "note": {
      if (!isString(raw.text) || raw.text.trim() === "") return fail("bad_request", `"text" must be a non-empty string`);
      const tags = raw.tags ?? [];
      if (!Array.isArray(tags) || !tags.every(isString)) return fail("bad_request", `"tags" must be an array of strings`);
      const sessionId = optionalString(raw.sessionId);
      return { value: { ...base, type: "note", text: raw.text, tags, sessionId } };
    }
    case "event": {
      if (!isRecord(raw.event)) return fail("bad_request", `"event" must be an object (protobuf JSON of devtrace.v1.Event)`);
      const record = raw.record;
      if (record !== undefined && (!Number.isSafeInteger(record) || (record as number) < 1))
        return fail("bad_request", `"record" must be a positive integer`);
      const sessionId = optionalString(raw.sessionId);
      return { value: { ...base, type: "event", event: raw.event, sessionId, record: record as number | undefined } };
    }
    case "attach": {
      if (!isString(raw.sessionId) || raw.sessionId === "") return fail("bad_request", `"sessionId" is required`);
      const pid = Number.isSafeInteger(raw.pid) ? (raw.pid as number) : 0;
      return { value: { ...base, type: "attach", sessionId: raw.sessionId, shell: optionalString(raw.shell) ?? "", pid } };
    }
    case "finalize":
    case "stop": {
      const timeoutMs = raw.timeoutMs;
      if (timeoutMs !== undefined && (!Number.isSafeInteger(timeoutMs) || (timeoutMs as number) < 0))
        return fail("bad_request", `"timeoutMs" must be a non-negative integer`);
      return { value: { ...base, type: raw.type, timeoutMs: timeoutMs as number | undefined } };
    }
    default:
      return fail("unknown_type", `unknown request type ${JSON.stringify(raw.type)}`);
  }
}

function optionalString(x: unknown): string | undefined {
  return typeof x === "string" && x !== "" ? x : undefined;
}
