/**
 * What the server's defence-in-depth redaction costs per event of the part-1 mix, in one
 * thread: ServerRedaction.event() on one event after another, as appendBatch() calls it.
 *
 *   node dist/bench/server-redaction.js [--events 8000] [--rounds 5]
 *
 * Events go through toBinary/fromBinary first, so their strings are flat, as the server
 * decodes them. Prints CPU time (less moved by other load than wall time) and wall time
 * per event, the minimum and the median over the rounds.
 */
import { fromBinary, toBinary } from "@bufbuild/protobuf";
import { parseArgs } from "node:util";
import { pino } from "pino";
import { EventSchema } from "../gen/devtrace/v1/event_pb.js";
import { ServerRedaction } from "../server/redact/server-redaction.js";
import { batchBounds, encodedSizes, eventMix } from "./lib/event-mix.js";
import { cut } from "./lib/stream-events.js";

const { values } = parseArgs({ options: { events: { type: "string", default: "8000" }, rounds: { type: "string", default: "5" } } });
const events = eventMix(Number(values.events), 42).map((e) => fromBinary(EventSchema, toBinary(EventSchema, e)));
const batches = cut(events, batchBounds(encodedSizes(events)));
const redaction = new ServerRedaction(pino({ level: "silent" }));

async function round(): Promise<{ cpu: number; wall: number }> {
  const cpu = process.cpuUsage();
  const t = performance.now();
  for (const batch of batches) {
    const redacted = [];
    for (const e of batch) redacted.push(await redaction.event(e));
  }
  const used = process.cpuUsage(cpu);
  return { cpu: (used.user + used.system) / events.length, wall: ((performance.now() - t) * 1000) / events.length };
}

await round(); // warm-up
const rounds: Array<{ cpu: number; wall: number }> = [];
for (let r = 0; r < Number(values.rounds); r++) rounds.push(await round());
const stat = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return `${s[0].toFixed(1)} µs (median ${s[Math.floor(s.length / 2)].toFixed(1)})`;
};
console.log(`server redaction, ${events.length} events of the part-1 mix in ${batches.length} batches, per event:`);
console.log(`  CPU  ${stat(rounds.map((r) => r.cpu))}`);
console.log(`  wall ${stat(rounds.map((r) => r.wall))}`);
