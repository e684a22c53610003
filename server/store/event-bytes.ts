import { toBinary } from "@bufbuild/protobuf";
import { EventSchema, type Event } from "../../gen/devtrace/v1/event_pb.js";

const memo = new WeakMap<Event, Uint8Array>();

/**
 * The event's protobuf encoding without unknown fields, computed once per event object: validation needs its size
 * and the store writes it, and encoding twice was a third of the ingest path's CPU.
 * The event must not be changed after the first call.
 */
export function eventBytes(event: Event): Uint8Array {
  let bytes = memo.get(event);
  // Unknown fields are dropped: nothing the schema does not name (hence nothing validation
  // did not see) is stored or served to readers.
  if (bytes === undefined) memo.set(event, (bytes = toBinary(EventSchema, event, { writeUnknownFields: false })));
  return bytes;
}
