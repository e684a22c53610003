import { create } from "@bufbuild/protobuf";
import { RedactionSummarySchema, type RedactionSummary } from "../../gen/devtrace/v1/redaction_pb.js";
import type { RedactionCounts } from "./server-redaction.js";

/** The counts of one request as the message stored and returned with a trace or an event. */
export function toSummary(counts: RedactionCounts): RedactionSummary {
  const byRule = new Map<string, { client: bigint; server: bigint }>();
  const entry = (rule: string) => byRule.get(rule) ?? byRule.set(rule, { client: 0n, server: 0n }).get(rule)!;
  for (const [rule, n] of counts.client.entries()) entry(rule).client += BigInt(n);
  for (const [rule, n] of counts.server.entries()) entry(rule).server += BigInt(n);
  return fromMap(byRule);
}

/** The summary of `counts`, or undefined when nothing was redacted (nothing to store). */
export function summaryOrUndefined(counts: RedactionCounts): RedactionSummary | undefined {
  return counts.client.total + counts.server.total === 0 ? undefined : toSummary(counts);
}

/** The summaries added up, rule by rule. */
export function mergeSummaries(...summaries: Array<RedactionSummary | undefined>): RedactionSummary {
  const byRule = new Map<string, { client: bigint; server: bigint }>();
  for (const s of summaries) {
    for (const c of s?.counts ?? []) {
      const e = byRule.get(c.rule) ?? { client: 0n, server: 0n };
      byRule.set(c.rule, { client: e.client + c.client, server: e.server + c.server });
    }
  }
  return fromMap(byRule);
}

function fromMap(byRule: Map<string, { client: bigint; server: bigint }>): RedactionSummary {
  const rules = [...byRule.keys()].sort();
  return create(RedactionSummarySchema, { counts: rules.map((rule) => ({ rule, ...byRule.get(rule)! })) });
}
