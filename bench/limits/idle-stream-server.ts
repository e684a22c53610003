/**
 * Part 9's limit: the least a Node process can spend on idle agents — a bare node:http2
 * server (h2c) that answers every stream with headers and one 3-byte gRPC message and then
 * holds it open. No Connect, no auth, no store. Prints { port } once listening; runs until SIGTERM.
 */
import http2 from "node:http2";

// A gRPC frame holding StreamEventsResponse { acked_seq: 0 }: flag, length 0, no body.
const ack = Buffer.from([0, 0, 0, 0, 0]);
const server = http2.createServer({});
server.on("stream", (stream) => {
  stream.respond({ ":status": 200, "content-type": "application/grpc" });
  stream.write(ack);
  stream.on("error", () => {});
  stream.on("data", () => {});
});
process.once("SIGTERM", () => process.exit(0));
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as { port: number }).port })}\n`);
});
