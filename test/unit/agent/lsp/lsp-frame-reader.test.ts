import { describe, expect, it } from "vitest";
import { LspFrameReader, parseHeader } from "../../../../agent/lsp/lsp-frame-reader.js";

/** Feeds `stream` to a reader in pieces of `size` bytes; returns the bodies and skip reasons seen. */
function frame(stream: Buffer, size = stream.length, o: { maxBodyBytes?: number } = {}) {
  const bodies: string[] = [];
  const skips: string[] = [];
  const reader = new LspFrameReader({ onMessage: (b) => bodies.push(b.toString("utf8")), onSkip: (r) => skips.push(r), ...o });
  for (let i = 0; i < stream.length; i += size) reader.push(stream.subarray(i, i + size));
  return { bodies, skips };
}

const msg = (body: string, header = (n: number) => `Content-Length: ${n}\r\n\r\n`) => Buffer.from(header(Buffer.byteLength(body)) + body);

describe("LspFrameReader", () => {
  const body = JSON.stringify({ jsonrpc: "2.0", id: 1, result: { text: "naïve ☃ 𝄞" } });
  it.each([
    ["the spec's header", msg(body)],
    ["a lower-case header name", msg(body, (n) => `content-length: ${n}\r\n\r\n`)],
    ["no space after the colon", msg(body, (n) => `Content-Length:${n}\r\n\r\n`)],
    ["a Content-Type header after it", msg(body, (n) => `Content-Length: ${n}\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n`)],
    ["a Content-Type header before it", msg(body, (n) => `Content-Type: application/vscode-jsonrpc\r\nCONTENT-LENGTH: ${n}\r\n\r\n`)],
  ])("frames %s, counting bytes not characters, whatever the chunking", (_name, stream) => {
    for (const size of [1, 2, 3, 7, stream.length]) expect(frame(Buffer.concat([stream, stream]), size)).toEqual({ bodies: [body, body], skips: [] });
  });

  it("skips stray text a server prints before a header and frames the message after it", () => {
    const stream = Buffer.concat([Buffer.from("debug: starting\n"), msg(body)]);
    for (const size of [1, 5, stream.length]) {
      const { bodies, skips } = frame(stream, size);
      expect(bodies).toEqual([body]);
      expect(skips).toHaveLength(1);
    }
  });

  it("skips a header block without Content-Length, and one with a non-numeric length, then resumes", () => {
    const stream = Buffer.concat([Buffer.from("Content-Type: x\r\n\r\n"), Buffer.from("Content-Length: abc\r\n\r\n"), msg(body)]);
    const { bodies, skips } = frame(stream, 4);
    expect(bodies).toEqual([body]);
    expect(skips.length).toBe(2);
  });

  it("passes over a body larger than the observation limit without buffering it, and frames the next", () => {
    const big = "x".repeat(5000);
    const { bodies, skips } = frame(Buffer.concat([msg(big), msg(body)]), 100, { maxBodyBytes: 1000 });
    expect(bodies).toEqual([body]);
    expect(skips[0]).toMatch(/5000-byte body is over/);
  });

  it("gives up on a header that never ends and finds the next one", () => {
    const junk = Buffer.alloc(20_000, "a");
    const { bodies, skips } = frame(Buffer.concat([junk, msg(body)]), 1000);
    expect(bodies).toEqual([body]);
    expect(skips.length).toBeGreaterThanOrEqual(1);
  });

  it("frames an empty body", () => {
    expect(frame(Buffer.from("Content-Length: 0\r\n\r\n")).bodies).toEqual([""]);
  });
});

describe("parseHeader()", () => {
  it.each([
    ["Content-Length: 12", { value: 12 }],
    ["content-LENGTH:\t7 ", { value: 7 }],
    ["Content-Length: 3\r\nContent-Length: 3", { value: 3 }],
    ["Content-Length: 3\r\nContent-Length: 4", { error: "two different Content-Length headers" }],
    ["Content-Type: x", { error: "a header block without Content-Length" }],
    ["Content-Length: 99999999999999999999", { error: "Content-Length 99999999999999999999 is out of range" }],
    ["{\"jsonrpc\":\"2.0\"}", { error: 'not an LSP header line: "{\\"jsonrpc\\":\\"2.0\\"}"' }],
  ])("%j → %j", (block, expected) => {
    expect(parseHeader(block)).toEqual(expected);
  });
});
