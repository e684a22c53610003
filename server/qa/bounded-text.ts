/** What a BoundedText collector kept: the head and tail of a stream and how much was cut. */
export interface BoundedOutput {
  text: string;
  /** Bytes dropped from the middle; 0 when everything fit. */
  bytesCut: number;
}

/**
 * Collects a byte stream keeping at most `limit` bytes: the first half and the last half,
 * so both the command's start (collection errors) and its end (the summary) survive.
 */
export class BoundedText {
  private readonly head: Buffer[] = [];
  private headBytes = 0;
  private tail: Buffer[] = [];
  private tailBytes = 0;
  private total = 0;

  /** `limit`: bytes kept in all, default 64 KiB. */
  constructor(private readonly limit = 64 * 1024) {}

  /** Adds a chunk; never holds more than about `limit` bytes at once. */
  write(chunk: Buffer): void {
    this.total += chunk.length;
    const headRoom = Math.ceil(this.limit / 2) - this.headBytes;
    if (headRoom > 0) {
      const part = chunk.subarray(0, headRoom);
      this.head.push(part);
      this.headBytes += part.length;
      chunk = chunk.subarray(part.length);
    }
    if (chunk.length === 0) return;
    this.tail.push(chunk);
    this.tailBytes += chunk.length;
    const tailLimit = Math.floor(this.limit / 2);
    if (this.tailBytes > tailLimit * 2) this.trimTail(tailLimit);
  }

  /** The kept text; a marker line stands where bytes were cut. */
  result(): BoundedOutput {
    const tailLimit = Math.floor(this.limit / 2);
    this.trimTail(tailLimit);
    const kept = this.headBytes + this.tailBytes;
    const bytesCut = this.total - kept;
    const head = Buffer.concat(this.head).toString("utf8");
    const tail = Buffer.concat(this.tail).toString("utf8");
    if (bytesCut === 0) return { text: head + tail, bytesCut: 0 };
    return { text: `${head}\n[… ${bytesCut} bytes cut …]\n${tail}`, bytesCut };
  }

  /** Bytes written so far, kept or not. */
  get totalBytes(): number {
    return this.total;
  }

  private trimTail(keep: number): void {
    if (this.tailBytes <= keep) return;
    const all = Buffer.concat(this.tail);
    const kept = all.subarray(all.length - keep);
    this.tail = [kept];
    this.tailBytes = kept.length;
  }
}

/** Cuts a string to at most `limit` UTF-16 units keeping head and tail, for prompt and message fields. */
export function boundString(text: string, limit: number): string {
  if (text.length <= limit) return text;
  const half = Math.floor(limit / 2);
  const cut = text.length - 2 * half;
  return `${text.slice(0, half)}\n[… ${cut} chars cut …]\n${text.slice(text.length - half)}`;
}
