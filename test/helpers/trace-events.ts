import { create } from "@bufbuild/protobuf";
import type { MessageInitShape } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { EventSchema } from "../../gen/devtrace/v1/event_pb.js";
import type { Event } from "../../gen/devtrace/v1/event_pb.js";
import { CreateTraceRequestSchema } from "../../gen/devtrace/v1/trace_service_pb.js";
import type { CreateTraceRequest } from "../../gen/devtrace/v1/trace_service_pb.js";

/** A fixed instant so tests build byte-identical events. */
const t0 = Date.UTC(2026, 0, 1);

/** A valid `thought` event with the given seq. */
export function thoughtEvent(seq: number | bigint, text = `thought ${seq}`): Event {
  return create(EventSchema, {
    seq: BigInt(seq),
    sessionId: "term-1",
    time: timestampFromMs(t0 + Number(seq)),
    kind: { case: "thought", value: { text, tags: ["test"] } },
  });
}

/** A valid `terminal_command` event whose output is `output`. */
export function commandEvent(seq: number | bigint, output: string): Event {
  return create(EventSchema, {
    seq: BigInt(seq),
    sessionId: "term-1",
    time: timestampFromMs(t0 + Number(seq)),
    kind: {
      case: "terminalCommand",
      value: { commandLine: "pytest -q", cwd: "~/shop", exitCode: 1, output, outputBytes: BigInt(output.length) },
    },
  });
}

/** Thought events with seqs from..to inclusive. */
export function thoughtEvents(from: number, to: number): Event[] {
  const out: Event[] = [];
  for (let s = from; s <= to; s++) out.push(thoughtEvent(s));
  return out;
}

/** A valid CreateTraceRequest for a developer (empty = the token's own). */
export function newTraceRequest(developerId = ""): CreateTraceRequest {
  return create(CreateTraceRequestSchema, {
    developer: { id: developerId },
    task: {
      description: "cart discount applied twice",
      repoUrl: "https://example.invalid/shop.git",
      baseCommit: "0123abcd",
      testImage: "devtrace/sample-python:1",
      testCommand: "pytest -q",
    },
    environment: { os: "linux", editor: "vim", shell: "bash" },
  });
}

/** A valid event envelope (seq, session, time) around any kind, given as an init object. */
export function eventOfKind(seq: number | bigint, kind: MessageInitShape<typeof EventSchema>["kind"]): Event {
  return create(EventSchema, { seq: BigInt(seq), sessionId: "term-1", time: timestampFromMs(t0 + Number(seq)), kind });
}
