import { toBinary } from "@bufbuild/protobuf";
import { EventSchema, type Event } from "../../gen/devtrace/v1/event_pb.js";

const memo = new WeakMap<Event, Uint8Array>();

/**
 * The event's protobuf encoding, computed once per event object: validation needs its size
 * and the store writes it, and encoding twice was a third of the ingest path's CPU.
 * The event must not be changed after the first call.
 */
export function eventBytes(event: Event): Uint8Array {
  let bytes = memo.get(event);
  if (bytes === undefined) memo.set(event, (bytes = toBinary(EventSchema, event)));
  return bytes;
}
