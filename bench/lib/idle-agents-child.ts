/**
 * Idle agents for part 9: each holds its own HTTP/2 connection with one StreamEvents
 * stream open (open message sent, first ack received) and then says nothing, as an agent
 * does while its developer reads code. Raw node:http2, so the client costs next to nothing.
 *
 * Input (argv[2]): { file } naming a JSON file with { url, agents: [{ token, traceId,
 * uploadToken }], concurrency } (thousands of agents do not fit in argv).
 * Prints "ready N" lines as streams get their first ack, "failed MESSAGE" per failure,
 * "done" when all were tried; holds them until SIGTERM.
 */
import { readFileSync } from "node:fs";
import http2 from "node:http2";
import { create, toBinary } from "@bufbuild/protobuf";
import { StreamEventsRequestSchema } from "../../gen/devtrace/v1/trace_service_pb.js";
import { childInput } from "./child-task.js";

interface Input {
  url: string;
  agents: { token: string; traceId: string; uploadToken: string }[];
  concurrency: number;
}

const input = JSON.parse(readFileSync(childInput<{ file: string }>().file, "utf8")) as Input;
const sessions: http2.ClientHttp2Session[] = [];
let ready = 0;

function openAgent(a: Input["agents"][number]): Promise<void> {
  return new Promise((resolve) => {
    const session = http2.connect(input.url);
    sessions.push(session);
    const fail = (why: string) => {
      process.stdout.write(`failed ${why.replace(/\n/g, " ")}\n`);
      resolve();
    };
    session.on("error", (e) => fail(e.message));
    const stream = session.request({
      ":method": "POST",
      ":path": "/devtrace.v1.TraceService/StreamEvents",
      "content-type": "application/grpc",
      te: "trailers",
      authorization: `Bearer ${a.token}`,
    });
    const open = toBinary(StreamEventsRequestSchema, create(StreamEventsRequestSchema, { msg: { case: "open", value: { traceId: a.traceId, uploadToken: a.uploadToken } } }));
    const frame = Buffer.alloc(5 + open.length);
    frame.writeUInt32BE(open.length, 1);
    frame.set(open, 5);
    stream.write(frame);
    let acked = false;
    stream.on("data", () => {
      if (acked) return;
      acked = true;
      ready++;
      resolve();
    });
    stream.on("trailers", (t) => !acked && fail(`stream ended: grpc-status ${String(t["grpc-status"])} ${String(t["grpc-message"] ?? "")}`));
    stream.on("error", (e) => !acked && fail(e.message));
  });
}

process.once("SIGTERM", () => {
  for (const s of sessions) s.destroy();
  process.exit(0);
});

let next = 0;
const report = setInterval(() => process.stdout.write(`ready ${ready}\n`), 500);
await Promise.all(
  Array.from({ length: input.concurrency }, async () => {
    while (next < input.agents.length) await openAgent(input.agents[next++]);
  }),
);
clearInterval(report);
process.stdout.write(`ready ${ready}\ndone\n`);
setInterval(() => {}, 60_000);
