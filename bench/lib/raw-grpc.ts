import http2 from "node:http2";
import { BinaryReader } from "@bufbuild/protobuf/wire";

/** What a raw server-streaming call delivered. */
export interface RawStreamResult {
  messages: number;
  /** Occurrences of the counted field across all messages (e.g. events of ExportTracesResponse). */
  fields: number;
  bytes: number;
  grpcStatus: string;
}

/**
 * One server-streaming gRPC call over plain node:http2 that reads the envelopes and only
 * walks each message's top-level tags to count field `countField`: a client that costs
 * next to nothing, so the figure is the server's (and the wire's), not a decoder's.
 */
export function rawServerStream(url: string, path: string, request: Uint8Array, token: string, countField: number): Promise<RawStreamResult> {
  return new Promise((resolve, reject) => {
    // A 16 MiB window like grpc-go's dynamic one reaches: node's 64 KiB default would make
    // every large message wait on WINDOW_UPDATE round trips, measuring the client's reflexes.
    const window = 16 * 1024 * 1024;
    const session = http2.connect(url, { settings: { initialWindowSize: window } });
    session.once("connect", () => session.setLocalWindowSize(window));
    session.once("error", reject);
    const frame = Buffer.alloc(5 + request.length);
    frame.writeUInt32BE(request.length, 1);
    frame.set(request, 5);
    const req = session.request({ ":method": "POST", ":path": path, "content-type": "application/grpc", te: "trailers", authorization: `Bearer ${token}` });
    const out: RawStreamResult = { messages: 0, fields: 0, bytes: 0, grpcStatus: "" };
    // Chunks are kept until a whole message is there: concatenating on every chunk would
    // copy a 1 MB message ~60 times and make this client the bottleneck.
    let chunks: Buffer[] = [];
    let have = 0;
    let need = 5;
    req.on("data", (chunk: Buffer) => {
      out.bytes += chunk.length;
      chunks.push(chunk);
      have += chunk.length;
      if (have < need) return;
      const buf = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, have);
      let at = 0;
      while (buf.length - at >= 5) {
        const len = buf.readUInt32BE(at + 1);
        if (buf.length - at < 5 + len) break;
        const reader = new BinaryReader(buf.subarray(at + 5, at + 5 + len));
        while (reader.pos < reader.len) {
          const [no, wireType] = reader.tag();
          if (no === countField) out.fields++;
          reader.skip(wireType, no);
        }
        out.messages++;
        at += 5 + len;
      }
      const rest = buf.subarray(at);
      chunks = rest.length > 0 ? [rest] : [];
      have = rest.length;
      need = rest.length >= 5 ? 5 + rest.readUInt32BE(1) : 5;
    });
    req.on("trailers", (t) => (out.grpcStatus = String(t["grpc-status"] ?? "")));
    req.on("error", reject);
    req.on("end", () => {
      session.close();
      resolve(out);
    });
    req.end(frame);
  });
}
