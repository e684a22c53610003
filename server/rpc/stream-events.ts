import type { HandlerContext } from "@connectrpc/connect";
import type { MessageInitShape } from "@bufbuild/protobuf";
import type {
  StreamEventsRequest,
  StreamEventsResponseSchema,
} from "../../gen/devtrace/v1/trace_service_pb.js";
import { requireRole } from "../auth/access.js";
import { principalOf } from "../auth/principal.js";
import { validateStreamBatch, validateStreamOpen } from "../validate/stream-events-request.js";
import { appendBatch } from "./append-batch.js";
import { loadWritableTrace } from "./load-trace.js";
import type { RpcDeps } from "./rpc-deps.js";

type Response = MessageInitShape<typeof StreamEventsResponseSchema>;

/**
 * The agent's uplink. Reads ONE message, validates it, waits until the store made it
 * durable, acks, and only then reads the next: the handler never holds more than one
 * batch, so HTTP/2 flow control pushes back on a client that sends faster than the
 * store writes. On shutdown the batch being written is finished and acked, then the
 * stream ends with UNAVAILABLE so the client resumes elsewhere.
 */
export function streamEvents(deps: RpcDeps) {
  return async function* (requests: AsyncIterable<StreamEventsRequest>, ctx: HandlerContext): AsyncGenerator<Response> {
    const principal = principalOf(ctx);
    requireRole(principal, ["ingest", "admin"], "StreamEvents");
    const it = requests[Symbol.asyncIterator]();
    const open = validateStreamOpen(await nextOrDrain(it, deps));
    const { trace } = await loadWritableTrace(deps, principal, open.traceId, open.uploadToken, "StreamEvents");
    const log = deps.logger.child({ component: "ingest", traceId: trace.id });
    log.debug({ ackedSeq: String(trace.ackedSeq), resumeFromSeq: String(open.resumeFromSeq) }, "stream opened");
    yield { ackedSeq: trace.ackedSeq };
    for (;;) {
      const req = await nextOrDrain(it, deps);
      if (req === undefined) return;
      const batch = validateStreamBatch(req);
      yield await appendBatch(deps, trace.id, batch.events);
    }
  };
}

/** The next request, undefined at the end of the stream; UNAVAILABLE once shutdown began. */
async function nextOrDrain(
  it: AsyncIterator<StreamEventsRequest>,
  deps: RpcDeps,
): Promise<StreamEventsRequest | undefined> {
  if (deps.drain.draining) throw deps.drain.shuttingDown();
  const signal = deps.drain.signal;
  let onDrain: (() => void) | undefined;
  const drained = new Promise<never>((_, reject) => {
    onDrain = () => reject(deps.drain.shuttingDown());
    signal.addEventListener("abort", onDrain, { once: true });
  });
  try {
    const r = await Promise.race([it.next(), drained]);
    return r.done ? undefined : r.value;
  } finally {
    if (onDrain) signal.removeEventListener("abort", onDrain);
  }
}
