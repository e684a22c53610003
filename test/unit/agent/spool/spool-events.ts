import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { EventSchema, type Event } from "../../../../gen/devtrace/v1/event_pb.js";

/** A ~500-byte thought event whose text names `n`, so a test can check what came back. */
export function thought(n: number, padding = 440): Event {
  return create(EventSchema, {
    sessionId: "term-1",
    time: timestampFromMs(1_700_000_000_000 + n),
    kind: { case: "thought", value: { text: `thought ${n} ${"x".repeat(padding)}`, tags: ["spool"] } },
  });
}

/** The `n` a thought() event was made with. */
export function thoughtNumber(e: Event): number {
  return e.kind.case === "thought" ? Number(e.kind.value.text.split(" ")[1]) : -1;
}

/** A fresh temporary directory and its removal. */
export function tempDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
