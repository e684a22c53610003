import { create } from "@bufbuild/protobuf";
import type { MessageInitShape } from "@bufbuild/protobuf";
import { timestampNow } from "@bufbuild/protobuf/wkt";
import { EventSchema } from "../../gen/devtrace/v1/event_pb.js";
import type { Event } from "../../gen/devtrace/v1/event_pb.js";

/** The `kind` of an event, as an init shape (plain objects accepted for the message). */
export type EventKindInit = MessageInitShape<typeof EventSchema>["kind"];

/** Session id the watchers stamp on their events unless told otherwise. */
export const defaultWatchSessionId = "watcher";

/** An Event stamped now, without seq: the agent assigns seq when it journals the event. */
export function watchEvent(sessionId: string, kind: EventKindInit): Event {
  return create(EventSchema, { sessionId, time: timestampNow(), kind });
}
