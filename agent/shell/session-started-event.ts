import { create } from "@bufbuild/protobuf";
import { timestampNow } from "@bufbuild/protobuf/wkt";
import { EventSchema, type Event } from "../../gen/devtrace/v1/event_pb.js";

/**
 * The session_started event a recorded terminal or `devtrace lsp` sends first, timed now (it
 * may reach the agent much later, from an outbox): it puts the session, and the shell or
 * language server it ran, on the trace.
 */
export function sessionStartedEvent(sessionKind: "shell" | "lsp", program: string, recorded: boolean): Event {
  return create(EventSchema, {
    time: timestampNow(),
    kind: { case: "sessionStarted", value: { sessionKind, program: program.slice(0, 256), recorded } },
  });
}
