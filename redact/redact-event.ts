import { EventSchema, type Event } from "../gen/devtrace/v1/event_pb.js";
import { redactMessage, type DetailedRedactor, type RedactMessageOptions } from "./redact-message.js";

/** Anything that redacts one text (a Redactor). */
export interface TextRedactor {
  redact(text: string): Promise<string>;
}

/**
 * A copy of `event` whose string fields are treated as fieldPolicy (field-policy.ts) says:
 * command line, cwd and output, diffs, notes, commit messages, branch names, remotes and
 * PR titles are redacted; ids and hashes are left alone. The input is not modified.
 */
export function redactEvent(redactor: DetailedRedactor, event: Event, options: RedactMessageOptions = {}): Promise<Event> {
  return redactMessage(redactor, EventSchema, event, options);
}
