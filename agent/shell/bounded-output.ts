import { invalidUtf8Bytes } from "./invalid-utf8.js";

/** Options of new BoundedOutput(). */
export interface BoundedOutputOptions {
  /** Bytes kept from the start of the output. Default 32 KiB. */
  headBytes?: number;
  /** Bytes kept from the end of the output (a ring buffer). Default 32 KiB. */
  tailBytes?: number;
}

/** What BoundedOutput kept of a stream. */
export interface BoundedText {
  /** Head and tail as UTF-8 text, joined by a line naming the bytes cut when there is a gap. */
  text: string;
  /** Bytes pushed in all. */
  bytes: number;
  /** Bytes of the middle not in `text` (characters split by a cut are counted as cut). */
  bytesCut: number;
  /** Bytes kept that were not valid UTF-8 and are U+FFFD in `text`. */
  bytesReplaced: number;
}

const INITIAL_CAPACITY = 4096;
const utf8 = new TextDecoder("utf-8", { fatal: false });

/** The line put where the middle of a long output was cut. */
export function cutMarker(bytesCut: number): string {
  return `\n[devtrace: ${bytesCut} bytes cut]\n`;
}

/**
 * Keeps the first `headBytes` and the last `tailBytes` of a byte stream of any length, in
 * memory bounded by their sum, and counts the rest. Buffers grow only as output arrives, so a
 * short command costs a few KiB.
 */
export class BoundedOutput {
  private readonly headLimit: number;
  private readonly tailLimit: number;
  private head = new Uint8Array(0);
  private headLength = 0;
  private ring: Uint8Array | undefined;
  /** Next write position in the ring, and how much of it holds data. */
  private ringAt = 0;
  private ringLength = 0;
  private total = 0;

  constructor(options: BoundedOutputOptions = {}) {
    this.headLimit = Math.max(0, options.headBytes ?? 32 * 1024);
    this.tailLimit = Math.max(0, options.tailBytes ?? 32 * 1024);
  }

  /** Bytes pushed so far. */
  get bytes(): number {
    return this.total;
  }

  /** Adds the next bytes of the stream. */
  push(bytes: Uint8Array): void {
    this.total += bytes.length;
    const toHead = Math.min(this.headLimit - this.headLength, bytes.length);
    if (toHead > 0) {
      this.growHead(this.headLength + toHead);
      this.head.set(bytes.subarray(0, toHead), this.headLength);
      this.headLength += toHead;
    }
    if (toHead < bytes.length) this.pushTail(bytes.subarray(toHead));
  }

  /** The text kept, and the byte counts. */
  finish(): BoundedText {
    const tail = this.tailBytes();
    const gap = this.total - this.headLength - tail.length;
    if (gap === 0) {
      const all = concat(this.head.subarray(0, this.headLength), tail);
      return { text: utf8.decode(all), bytes: this.total, bytesCut: 0, bytesReplaced: invalidUtf8Bytes(all) };
    }
    // Cut at character boundaries so neither side shows a broken character.
    const head = this.head.subarray(0, this.headLength - partialCharacterAtEnd(this.head.subarray(0, this.headLength)));
    const tailStart = continuationBytesAtStart(tail);
    const kept = head.length + tail.length - tailStart;
    const bytesCut = this.total - kept;
    const tailKept = tail.subarray(tailStart);
    return {
      text: utf8.decode(head) + cutMarker(bytesCut) + utf8.decode(tailKept),
      bytes: this.total,
      bytesCut,
      bytesReplaced: invalidUtf8Bytes(head) + invalidUtf8Bytes(tailKept),
    };
  }

  private growHead(needed: number): void {
    if (needed <= this.head.length) return;
    const size = Math.min(this.headLimit, Math.max(needed, INITIAL_CAPACITY, this.head.length * 2));
    const grown = new Uint8Array(size);
    grown.set(this.head.subarray(0, this.headLength));
    this.head = grown;
  }

  private pushTail(bytes: Uint8Array): void {
    if (this.tailLimit === 0) return;
    this.ring ??= new Uint8Array(this.tailLimit);
    const ring = this.ring;
    const src = bytes.length > this.tailLimit ? bytes.subarray(bytes.length - this.tailLimit) : bytes;
    const first = Math.min(src.length, this.tailLimit - this.ringAt);
    ring.set(src.subarray(0, first), this.ringAt);
    ring.set(src.subarray(first), 0);
    this.ringAt = (this.ringAt + src.length) % this.tailLimit;
    this.ringLength = Math.min(this.tailLimit, this.ringLength + src.length);
  }

  private tailBytes(): Uint8Array {
    if (!this.ring || this.ringLength === 0) return new Uint8Array(0);
    if (this.ringLength < this.tailLimit) return this.ring.subarray(0, this.ringLength);
    return concat(this.ring.subarray(this.ringAt), this.ring.subarray(0, this.ringAt));
  }
}

/** Bytes at the end of `bytes` that start a UTF-8 character without finishing it. */
function partialCharacterAtEnd(bytes: Uint8Array): number {
  for (let back = 1; back <= Math.min(4, bytes.length); back++) {
    const b = bytes[bytes.length - back];
    if ((b & 0xc0) === 0x80) continue;
    const length = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return length > back ? back : 0;
  }
  return 0;
}

/** UTF-8 continuation bytes at the start of `bytes` (the rest of a character cut off). */
function continuationBytesAtStart(bytes: Uint8Array): number {
  let n = 0;
  while (n < Math.min(3, bytes.length) && (bytes[n] & 0xc0) === 0x80) n++;
  return n;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (b.length === 0) return a;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
