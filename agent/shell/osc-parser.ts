import { decodeOsc633, type Osc633Message } from "./osc633-message.js";

/** One piece of a pty byte stream, in stream order. */
export type OscToken =
  /** Bytes for the user's terminal: everything but OSC 633 sequences. */
  | { type: "data"; bytes: Uint8Array }
  /** A complete OSC 633 sequence, decoded. */
  | { type: "osc633"; message: Osc633Message }
  /** A complete OSC 633 sequence that does not decode; it is dropped from the data too. */
  | { type: "invalid"; error: string };

/** Options of new OscParser(). */
export interface OscParserOptions {
  /**
   * Largest OSC 633 payload held while waiting for its terminator; a longer one is given back
   * as plain data, unparsed. Default 512 KiB (a 64 KiB command line, every byte escaped, fits).
   */
  maxPayloadBytes?: number;
}

const ESC = 0x1b;
const BEL = 0x07;
const CAN = 0x18;
const SUB = 0x1a;
const ST_FINAL = 0x5c; // the `\` of ESC \
/** `ESC ] 633 ;`: what starts the sequences this parser takes out of the stream. */
const PREFIX = Uint8Array.of(ESC, 0x5d, 0x36, 0x33, 0x33, 0x3b);

type State =
  | { name: "ground" }
  /** `matched` bytes of PREFIX seen, some of them in earlier chunks. */
  | { name: "prefix"; matched: number }
  /** Inside a payload; `esc` when its last byte was an ESC that may start ST. */
  | { name: "payload"; parts: Uint8Array[]; size: number; esc: boolean };

/**
 * A pure, incremental splitter of a pty byte stream into terminal data and OSC 633 messages.
 * Chunks may be cut anywhere (inside a sequence, inside a UTF-8 character): a partial prefix
 * or payload is held until the next chunk. Memory is bounded by maxPayloadBytes; a payload
 * aborted the way a terminal aborts it (CAN, SUB, ESC not followed by `\`) or grown too long
 * is handed back as data so the terminal sees what it would have seen without devtrace.
 */
export class OscParser {
  private state: State = { name: "ground" };
  private readonly maxPayload: number;

  constructor(options: OscParserOptions = {}) {
    this.maxPayload = options.maxPayloadBytes ?? 512 * 1024;
  }

  /** Splits the next chunk; data tokens may be views into `chunk`. */
  push(chunk: Uint8Array): OscToken[] {
    const out: OscToken[] = [];
    let i = 0;
    let dataStart = 0;
    while (i < chunk.length) {
      const s = this.state;
      if (s.name === "ground") {
        const esc = chunk.indexOf(ESC, i);
        if (esc < 0) break;
        const end = this.matchPrefix(chunk, esc);
        if (end < 0) {
          i = esc + 1;
          continue;
        }
        if (esc > dataStart) out.push({ type: "data", bytes: chunk.subarray(dataStart, esc) });
        i = dataStart = end;
      } else if (s.name === "prefix") {
        i = dataStart = this.continuePrefix(s, chunk, i, out);
      } else {
        i = dataStart = this.continuePayload(s, chunk, i, out);
      }
    }
    if (this.state.name === "ground" && dataStart < chunk.length) {
      out.push({ type: "data", bytes: chunk.subarray(dataStart) });
    }
    return out;
  }

  /** Ends the stream: whatever is held is given back as data. */
  end(): OscToken[] {
    const held = this.held();
    this.state = { name: "ground" };
    return held.length > 0 ? [{ type: "data", bytes: held }] : [];
  }

  /**
   * At an ESC in ground state: the index after a whole PREFIX, -1 when the bytes there are not
   * PREFIX, or chunk.length when the chunk ends inside it (the state then holds the match).
   */
  private matchPrefix(chunk: Uint8Array, at: number): number {
    let k = 0;
    while (k < PREFIX.length && at + k < chunk.length) {
      if (chunk[at + k] !== PREFIX[k]) return -1;
      k++;
    }
    this.state = k === PREFIX.length ? { name: "payload", parts: [], size: 0, esc: false } : { name: "prefix", matched: k };
    return at + k;
  }

  private continuePrefix(s: { matched: number }, chunk: Uint8Array, at: number, out: OscToken[]): number {
    let i = at;
    let k = s.matched;
    while (k < PREFIX.length && i < chunk.length && chunk[i] === PREFIX[k]) {
      k++;
      i++;
    }
    if (k === PREFIX.length) {
      this.state = { name: "payload", parts: [], size: 0, esc: false };
      return i;
    }
    if (i === chunk.length) {
      this.state = { name: "prefix", matched: k };
      return i;
    }
    // Not ours after all: the held bytes are terminal data; the mismatching byte is looked at again.
    out.push({ type: "data", bytes: PREFIX.slice(0, k) });
    this.state = { name: "ground" };
    return i;
  }

  private continuePayload(s: Extract<State, { name: "payload" }>, chunk: Uint8Array, at: number, out: OscToken[]): number {
    let i = at;
    if (s.esc) {
      s.esc = false;
      if (chunk[i] === ST_FINAL) return this.complete(s, out, i + 1);
      // ESC then anything else aborts the string; that ESC may start a new sequence.
      this.abort(s, out);
      this.state = { name: "prefix", matched: 1 };
      return i;
    }
    const start = i;
    while (i < chunk.length) {
      const b = chunk[i];
      if (b === BEL || b === ESC || b === CAN || b === SUB) break;
      i++;
    }
    if (s.size + (i - start) > this.maxPayload) {
      this.abort(s, out);
      this.state = { name: "ground" };
      return start;
    }
    if (i > start) {
      s.parts.push(chunk.slice(start, i));
      s.size += i - start;
    }
    if (i === chunk.length) return i;
    const b = chunk[i];
    if (b === BEL) return this.complete(s, out, i + 1);
    if (b === ESC) {
      s.esc = true;
      return i + 1;
    }
    this.abort(s, out);
    this.state = { name: "ground" };
    return i;
  }

  private complete(s: Extract<State, { name: "payload" }>, out: OscToken[], next: number): number {
    const decoded = decodeOsc633(concat(s.parts, s.size));
    out.push("value" in decoded ? { type: "osc633", message: decoded.value } : { type: "invalid", error: decoded.error });
    this.state = { name: "ground" };
    return next;
  }

  private abort(s: Extract<State, { name: "payload" }>, out: OscToken[]): void {
    out.push({ type: "data", bytes: concat([PREFIX, ...s.parts], PREFIX.length + s.size) });
  }

  private held(): Uint8Array {
    const s = this.state;
    if (s.name === "prefix") return PREFIX.slice(0, s.matched);
    if (s.name !== "payload") return new Uint8Array(0);
    const parts = [PREFIX, ...s.parts, ...(s.esc ? [Uint8Array.of(ESC)] : [])];
    return concat(parts, parts.reduce((n, p) => n + p.length, 0));
  }
}

function concat(parts: Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
