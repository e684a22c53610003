import { relative, isAbsolute, sep } from "node:path";
import { fromJson, type JsonValue } from "@bufbuild/protobuf";
import { EventSchema, type Event, type Location } from "../../gen/devtrace/v1/event_pb.js";
import type { Parsed } from "./local-protocol.js";

/** Event kinds a client of the local socket may send; file changes and git come from the watcher. */
export const socketEventKinds = new Set<Event["kind"]["case"]>([
  "fileOpened",
  "goToDefinition",
  "findReferences",
  "prOpened",
  "sessionStarted",
  "terminalCommand",
  "thought",
]);

/**
 * Turns the protobuf JSON of a devtrace.v1.Event sent over the local socket into an Event:
 * any seq is dropped (the spool assigns it), the session id defaults to `defaultSession`,
 * and paths may be absolute inside the repository (plugins know absolute paths) — they are
 * made relative with "/" separators; paths outside the repository are refused.
 */
export function eventFromSocketJson(json: Record<string, unknown>, repoRoot: string, defaultSession: string): Parsed<Event> {
  let event: Event;
  try {
    event = fromJson(EventSchema, json as JsonValue);
  } catch (err) {
    return { error: { code: "invalid_event", message: `not a devtrace.v1.Event: ${(err as Error).message}` } };
  }
  if (event.kind.case === undefined) return { error: { code: "invalid_event", message: "the event sets no kind (e.g. fileOpened)" } };
  if (!socketEventKinds.has(event.kind.case))
    return { error: { code: "invalid_event", message: `${event.kind.case} events come from the agent's own watcher, not the socket` } };
  event.seq = 0n;
  event.sessionId ||= defaultSession;
  if (Buffer.byteLength(event.sessionId) > 128) return { error: { code: "invalid_event", message: "sessionId is at most 128 bytes" } };
  try {
    normalisePaths(event, repoRoot);
  } catch (err) {
    return { error: { code: "invalid_event", message: (err as Error).message } };
  }
  return { value: event };
}

function normalisePaths(event: Event, root: string): void {
  const k = event.kind;
  const fix = (loc: Location | undefined): void => {
    if (loc) loc.path = repoPath(loc.path, root);
  };
  switch (k.case) {
    case "fileOpened":
      k.value.path = repoPath(k.value.path, root);
      break;
    case "goToDefinition":
      fix(k.value.source);
      fix(k.value.target);
      break;
    case "findReferences":
      fix(k.value.source);
      k.value.references.forEach(fix);
      break;
    default:
      break;
  }
}

/** A path relative to the repository root with "/" separators; throws for one outside it. */
export function repoPath(path: string, root: string): string {
  if (path === "") throw new Error("a path is required");
  const rel = isAbsolute(path) ? relative(root, path) : path;
  const slashed = rel.split(sep).join("/").replace(/\\/g, "/");
  if (slashed === "" || isAbsolute(slashed) || slashed.split("/").includes(".."))
    throw new Error(`path ${JSON.stringify(path)} is not inside the repository ${root}`);
  return slashed.replace(/^\.\//, "");
}
