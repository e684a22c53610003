/** Options of new LspFrameReader(). */
export interface LspFrameReaderOptions {
  /** Called with the body of every complete message. */
  onMessage: (body: Buffer) => void;
  /** Called when bytes could not be framed (they were forwarded anyway); the reader resynchronises. */
  onSkip: (reason: string, bytes: number) => void;
  /** Longest header block accepted. Default 8 KiB. */
  maxHeaderBytes?: number;
  /** Bodies larger than this are skipped without being buffered. Default 16 MiB. */
  maxBodyBytes?: number;
}

const headerEnd = Buffer.from("\r\n\r\n");
const contentLength = /^content-length[ \t]*:[ \t]*(\d+)[ \t]*$/i;

/**
 * An observer of one direction of an LSP stream: it sees a copy of the bytes the proxy
 * forwards and cuts them into messages per the base protocol — header lines up to an empty
 * line, header names case-insensitive, other headers ignored, Content-Length counting bytes.
 * It never throws: what it cannot frame is reported and skipped, and it looks for the next
 * header block, so a misbehaving peer costs recording, never forwarding.
 */
export class LspFrameReader {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Bytes of a body still to arrive; negative while reading a header. */
  private bodyLeft = -1;
  /** True while skipping an over-large body instead of buffering it. */
  private skipping = false;
  private readonly maxHeaderBytes: number;
  private readonly maxBodyBytes: number;

  constructor(private readonly options: LspFrameReaderOptions) {
    this.maxHeaderBytes = options.maxHeaderBytes ?? 8 * 1024;
    this.maxBodyBytes = options.maxBodyBytes ?? 16 * 1024 * 1024;
  }

  /** Feeds the next chunk of the stream. */
  push(chunk: Buffer): void {
    let rest = chunk;
    while (rest.length > 0) rest = this.bodyLeft >= 0 ? this.takeBody(rest) : this.takeHeader(rest);
  }

  private takeBody(chunk: Buffer): Buffer {
    const n = Math.min(this.bodyLeft, chunk.length);
    if (!this.skipping) this.hold(chunk.subarray(0, n));
    this.bodyLeft -= n;
    if (this.bodyLeft === 0) {
      this.bodyLeft = -1;
      if (this.skipping) this.skipping = false;
      else this.options.onMessage(this.drain());
    }
    return chunk.subarray(n);
  }

  private takeHeader(chunk: Buffer): Buffer {
    const held = this.pendingBytes;
    this.hold(chunk);
    const buffered = this.drain();
    // Search from a little before the new bytes: the terminator may straddle chunks.
    const end = buffered.indexOf(headerEnd, Math.max(0, held - 3));
    if (end < 0) {
      if (buffered.length > this.maxHeaderBytes) {
        this.options.onSkip(`no end of header within ${this.maxHeaderBytes} bytes`, buffered.length);
        this.resync(buffered.subarray(1));
      } else this.hold(buffered);
      return Buffer.alloc(0);
    }
    const length = parseHeader(buffered.subarray(0, end).toString("latin1"));
    const after = buffered.subarray(end + headerEnd.length);
    if ("error" in length) {
      // Stray text before a real header (a server printing to stdout): start again at its header.
      const next = buffered.subarray(1, end).toString("latin1").search(/content-length/i);
      const skipped = next >= 0 ? next + 1 : end + headerEnd.length;
      this.options.onSkip(length.error, skipped);
      return buffered.subarray(skipped);
    }
    this.bodyLeft = length.value;
    this.skipping = length.value > this.maxBodyBytes;
    if (this.skipping) this.options.onSkip(`a ${length.value}-byte body is over the ${this.maxBodyBytes}-byte observation limit`, length.value);
    if (length.value === 0) {
      this.bodyLeft = -1;
      if (!this.skipping) this.options.onMessage(Buffer.alloc(0));
    }
    return after;
  }

  /** Keeps only what could start a header: from the next "Content-Length" on, if any. */
  private resync(bytes: Buffer): void {
    const at = bytes.toString("latin1").search(/content-length/i);
    if (at >= 0) this.hold(bytes.subarray(at));
  }

  private hold(bytes: Buffer): void {
    if (bytes.length === 0) return;
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
  }

  private drain(): Buffer {
    const out = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending);
    this.pending = [];
    this.pendingBytes = 0;
    return out;
  }
}

/** The Content-Length of one header block (lines separated by CRLF). */
export function parseHeader(block: string): { value: number } | { error: string } {
  let length: number | undefined;
  for (const line of block.split("\r\n")) {
    const m = contentLength.exec(line);
    if (m) {
      const n = Number(m[1]);
      if (!Number.isSafeInteger(n)) return { error: `Content-Length ${m[1]} is out of range` };
      if (length !== undefined && length !== n) return { error: "two different Content-Length headers" };
      length = n;
    } else if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+[ \t]*:/.test(line)) {
      return { error: `not an LSP header line: ${JSON.stringify(line.slice(0, 80))}` };
    }
  }
  return length === undefined ? { error: "a header block without Content-Length" } : { value: length };
}
