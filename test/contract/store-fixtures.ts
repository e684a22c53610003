import { createHash, randomUUID } from "node:crypto";
import { expect } from "vitest";
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { EventSchema } from "../../gen/devtrace/v1/event_pb.js";
import type { Event } from "../../gen/devtrace/v1/event_pb.js";
import { QaResultSchema, QaStatus } from "../../gen/devtrace/v1/qa_pb.js";
import type { QaResult } from "../../gen/devtrace/v1/qa_pb.js";
import type { TraceStore, NewTrace } from "../../server/store/store.js";

/** A fixed instant traces are created around, so ordering assertions never depend on the clock. */
export const t0 = Date.UTC(2025, 0, 1, 12, 0, 0);

/** Lower-case hex SHA-256, as the RPC layer hashes upload tokens. */
export function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** A NewTrace with sensible defaults; override what a test is about. */
export function newTrace(over: Partial<NewTrace> & { developerId?: string; repoUrl?: string; at?: number } = {}): NewTrace {
  const { developerId = "dev-a", repoUrl = "https://example.test/shop.git", at = t0, ...rest } = over;
  return {
    id: randomUUID(),
    developer: { $typeName: "devtrace.v1.Developer", id: developerId, name: "Ada", email: "ada@example.test", experienceLevel: "senior" },
    task: {
      $typeName: "devtrace.v1.Task",
      description: "cart total ignores discount",
      repoUrl,
      baseCommit: "0123456789abcdef",
      branch: "main",
      testImage: "devtrace/sample-python:1",
      testCommand: "pytest -q",
      testPatch: "",
    },
    environment: { $typeName: "devtrace.v1.Environment", os: "linux", editor: "vim", editorVersion: "9.1", shell: "bash", agentVersion: "0.1.0", plugins: ["lsp"] },
    uploadTokenHash: sha256(randomUUID()),
    createdAt: new Date(at),
    ...rest,
  };
}

/** Event `seq` of a trace; kinds rotate so every encoding path is exercised. */
export function event(seq: number | bigint, outputBytes = 64): Event {
  const s = BigInt(seq);
  const base = { seq: s, sessionId: `tty-${s % 3n}`, time: timestampFromMs(t0 + Number(s)) };
  switch (s % 3n) {
    case 0n:
      return create(EventSchema, { ...base, kind: { case: "thought", value: { text: `step ${s}: cart.py rounds early`, tags: ["hypothesis"] } } });
    case 1n:
      return create(EventSchema, {
        ...base,
        kind: {
          case: "terminalCommand",
          value: { commandLine: "pytest -q", cwd: "~/shop", exitCode: 1, durationMs: 1234n, output: "x".repeat(outputBytes), outputBytes: BigInt(outputBytes), shell: "bash" },
        },
      });
    default:
      return create(EventSchema, {
        ...base,
        kind: { case: "fileEdit", value: { path: "shop/cart.py", unifiedDiff: `--- a/shop/cart.py\n+++ b/shop/cart.py\n@@ -1 +1 @@\n-a${s}\n+b${s}\n`, linesAdded: 1, linesRemoved: 1 } },
      });
  }
}

/** Events from..to inclusive. */
export function events(from: number, to: number, outputBytes?: number): Event[] {
  const out: Event[] = [];
  for (let s = from; s <= to; s++) out.push(event(s, outputBytes));
  return out;
}

/** A finished QA result with the given overall score. */
export function qaResult(overall: number, status = QaStatus.OK): QaResult {
  return create(QaResultSchema, { status, overall, attempts: 1, judge: { model: "heuristic", heuristic: true, overall: 1 + overall * 4 } });
}

/** The seqs the store holds for a trace, in the order it returns them. */
export async function storedSeqs(store: TraceStore, traceId: string): Promise<number[]> {
  return (await store.readEvents(traceId)).map((e) => Number(e.seq));
}

/** 1..n. */
export function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i + 1);
}

/**
 * The store invariant (store.ts, appendEvents): acked_seq = events stored = exactly
 * 1..acked_seq = event_count. Returns acked_seq.
 */
export async function expectInvariant(store: TraceStore, traceId: string): Promise<bigint> {
  const trace = (await store.getTrace(traceId))!.trace;
  const seqs = await storedSeqs(store, traceId);
  expect({ seqs: seqs.length, eventCount: trace.eventCount }).toEqual({ seqs: Number(trace.ackedSeq), eventCount: trace.ackedSeq });
  expect(seqs.every((s, i) => s === i + 1)).toBe(true);
  return trace.ackedSeq;
}
