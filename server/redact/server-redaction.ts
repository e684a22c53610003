import type { DescMessage, MessageShape } from "@bufbuild/protobuf";
import type { Logger } from "pino";
import { EventSchema, type Event } from "../../gen/devtrace/v1/event_pb.js";
import { CreateTraceRequestSchema, type CreateTraceRequest } from "../../gen/devtrace/v1/trace_service_pb.js";
import { countMarkers, RedactionTally, redactMessage, Redactor } from "../../redact/index.js";

/** What one side redacted in one request. */
export interface RedactionCounts {
  /** Markers that were already there on arrival: the client redacted those values. */
  client: RedactionTally;
  /** Values the server replaced because they arrived in clear text. */
  server: RedactionTally;
}

/** A redacted value and what was redacted in it. */
export interface Redacted<T> {
  value: T;
  counts: RedactionCounts;
}

/**
 * Defence in depth: the agent's rules (redact/) applied again to everything a client sends
 * before the server stores it, so clients that never ran a redactor (grpcurl, services, old
 * agents) cannot put a secret into the database, GetTrace, exports or the judge's prompt.
 * Fields this build does not know are dropped: the field policy cannot have decided on them.
 */
export class ServerRedaction {
  private readonly redactor: Redactor;

  constructor(logger: Logger) {
    this.redactor = new Redactor({ onWarning: (message) => logger.warn({ component: "redact" }, message) });
  }

  /** CreateTrace's developer, task and environment, redacted per field-policy.ts. */
  createTraceRequest(request: CreateTraceRequest): Promise<Redacted<CreateTraceRequest>> {
    return this.message(CreateTraceRequestSchema, request);
  }

  /** One event, redacted per field-policy.ts. */
  event(event: Event): Promise<Redacted<Event>> {
    return this.message(EventSchema, event);
  }

  /** FinalizeTrace's final patch, redacted as a diff (it stays a valid patch). */
  async finalPatch(patch: string): Promise<Redacted<string>> {
    const counts = emptyCounts();
    countMarkers(patch, counts.client);
    const out = await this.redactor.redactDetailed(patch, { diff: true });
    counts.server.addRanges(out.ranges);
    return { value: out.text, counts };
  }

  private async message<Desc extends DescMessage>(schema: Desc, message: MessageShape<Desc>): Promise<Redacted<MessageShape<Desc>>> {
    const counts = emptyCounts();
    const value = await redactMessage(this.redactor, schema, message, { tally: counts.server, alreadyRedacted: counts.client, dropUnknown: true });
    return { value, counts };
  }
}

/** Counts with nothing in them. */
export function emptyCounts(): RedactionCounts {
  return { client: new RedactionTally(), server: new RedactionTally() };
}
