import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import type { Logger } from "pino";
import type { Trace } from "../gen/devtrace/v1/trace_pb.js";
import { FinalizeTraceRequestSchema, TraceService } from "../gen/devtrace/v1/trace_service_pb.js";
import type { AgentSpool, AgentWatcher } from "./agent-ports.js";
import type { EventIntake } from "./intake/event-intake.js";
import type { TraceRegistration } from "./trace/trace-registration.js";
import { createBackoff } from "./uplink/backoff.js";
import type { ServerTransport } from "./uplink/server-transport.js";
import type { Uplink, UplinkStatus } from "./uplink/uplink.js";
import { finalPatch } from "./watch/final-patch.js";

/** The server's limit on final_patch. */
const maxPatchBytes = 8 * 1024 * 1024;

/** What finalize reports while it waits. */
export interface FinalizeProgress {
  step: "flushing" | "draining" | "sealing";
  queued: string;
  acked: string;
  connection: UplinkStatus["state"];
  lastError?: string;
}

/** What finalizeTrace() works with. */
export interface FinalizeDeps {
  root: string;
  baseCommit: string;
  watcher: AgentWatcher | undefined;
  intake: EventIntake;
  spool: AgentSpool;
  uplink: Uplink;
  registration: TraceRegistration;
  connect: () => ServerTransport;
  logger: Logger;
  /** Spools the records exited shells left in their outboxes (they cannot redeliver them). */
  collectOutboxes: () => Promise<void>;
  /** Redacts the final patch before it leaves the machine. */
  redactPatch: (patch: string) => Promise<string>;
  /** Called once the final patch is taken: from then on file and git changes are not recorded. */
  freeze: () => void;
  /** Called when everything accepted so far was acknowledged: from then on nothing is accepted. */
  seal: () => void;
}

/** Drained-check and progress interval while waiting for the server. */
const pollMs = 500;

/**
 * Seals the trace: emits pending file changes, computes the final patch (working tree
 * against the base commit, untracked non-ignored files included) and stops recording file
 * changes, waits until the server acknowledged every spooled event (commands and notes are
 * still taken meanwhile), seals (nothing more is accepted; outboxes of exited shells are
 * collected and sent), then calls FinalizeTrace (idempotent, retried while the
 * server is unreachable). Gives up after `timeoutMs` (default: never), leaving the trace open.
 */
export async function finalizeTrace(deps: FinalizeDeps, progress: (p: FinalizeProgress) => void, signal: AbortSignal, timeoutMs?: number): Promise<Trace> {
  const deadline = timeoutMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + timeoutMs;
  const report = (step: FinalizeProgress["step"]) => {
    const s = deps.uplink.snapshot();
    progress({ step, queued: String(deps.spool.lastSeq() - deps.spool.ackedSeq()), acked: String(deps.spool.ackedSeq()), connection: s.state, lastError: s.lastError });
  };
  report("flushing");
  // A barrier: every save made before finalize was called is an event once it resolves.
  await deps.watcher?.flush();
  // A shell that exited before its agent came back left its last commands on disk.
  await deps.collectOutboxes();
  await deps.intake.settled();
  const patch = await finalPatch({ root: deps.root, base: deps.baseCommit, maxBytes: maxPatchBytes })
    .catch((err: unknown) => {
      throw new Error(`cannot compute the final patch (it must be under ${maxPatchBytes} bytes)`, { cause: err });
    })
    .then(deps.redactPatch);
  deps.freeze();
  // Commands and notes are still taken while the server is awaited: they go into this trace.
  await drain(deps, signal, deadline, report);
  deps.seal();
  // Up to the seal: what exited shells left, and whatever was accepted meanwhile.
  await deps.collectOutboxes();
  await drain(deps, signal, deadline, report);
  report("sealing");
  return sealOnServer(deps, patch, signal, deadline);
}

/** Waits until the server acknowledged everything the intake accepted so far. */
async function drain(deps: FinalizeDeps, signal: AbortSignal, deadline: number, report: (step: FinalizeProgress["step"]) => void): Promise<void> {
  await deps.intake.settled();
  deps.uplink.retryNow();
  while (deps.spool.ackedSeq() < deps.spool.lastSeq()) {
    checkTime(signal, deadline, "waiting for the server to acknowledge every event");
    report("draining");
    await sleep(pollMs, signal);
  }
}

async function sealOnServer(deps: FinalizeDeps, patch: string, signal: AbortSignal, deadline: number): Promise<Trace> {
  const backoff = createBackoff({ initialMs: 500, maxMs: 10_000 });
  for (;;) {
    checkTime(signal, deadline, "calling FinalizeTrace");
    const transport = deps.connect();
    try {
      const { traceId, uploadToken } = await deps.registration.ensure();
      const client = createClient(TraceService, transport.transport);
      const res = await client.finalizeTrace(create(FinalizeTraceRequestSchema, { traceId, uploadToken, finalPatch: patch }), { timeoutMs: 60_000, signal });
      if (!res.trace) throw new Error("FinalizeTrace answered without the trace");
      deps.logger.info({ traceId, patchBytes: Buffer.byteLength(patch) }, "trace finalized");
      return res.trace;
    } catch (err) {
      const ce = ConnectError.from(err);
      if (signal.aborted) throw new Error("finalize was cancelled", { cause: err });
      if (ce.code !== Code.Unavailable && ce.code !== Code.DeadlineExceeded && ce.code !== Code.Internal && ce.code !== Code.Unknown)
        throw new Error(`the server refused to finalize: ${ce.rawMessage} (${Code[ce.code]})`, { cause: ce });
      deps.logger.warn({ err: ce }, "FinalizeTrace failed; retrying");
      await sleep(backoff.next(), signal);
    } finally {
      transport.close();
    }
  }
}

function checkTime(signal: AbortSignal, deadline: number, what: string): void {
  if (signal.aborted) throw new Error(`finalize was cancelled while ${what}`);
  if (Date.now() > deadline) throw new Error(`finalize timed out while ${what}; the trace stays open, run it again`);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
  });
}
