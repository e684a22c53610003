import type { ByteSink } from "./strip-ansi.js";

const ESC = 0x1b;
/** DEC private modes that switch to the alternate screen: 1049 (xterm), 1047, 47. */
const altModes = new Set(["1049", "1047", "47"]);
/** Longest `ESC [ ? … h|l` looked for; anything longer is not a mode switch we know. */
const maxSequence = 32;

/**
 * Takes what a command draws on the terminal's alternate screen out of its output: full-screen
 * programs (vim, less, man, top, a pager) switch to it with `ESC [ ? 1049 h` and back with
 * `… l`, and what they draw there is screen updates, not output. Bytes drawn there (the switches
 * included) are counted, not passed on; everything else goes to the sink unchanged. Chunks may
 * split a switch anywhere.
 */
export class AltScreenFilter {
  private active = false;
  private held = Buffer.alloc(0);
  /** Bytes drawn on the alternate screen so far. */
  drawnBytes = 0;
  /** True once the command switched to the alternate screen. */
  used = false;

  constructor(private readonly sink: ByteSink) {}

  /** Filters the next chunk. */
  push(chunk: Uint8Array): void {
    const bytes = this.held.length > 0 ? Buffer.concat([this.held, chunk]) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    this.held = Buffer.alloc(0);
    let from = 0;
    let at = bytes.indexOf(ESC);
    while (at >= 0) {
      const s = modeSwitch(bytes, at);
      if (s === "partial") {
        this.emit(bytes.subarray(from, at));
        this.held = Buffer.from(bytes.subarray(at));
        return;
      }
      if (s !== undefined) {
        this.emit(bytes.subarray(from, at));
        this.drawnBytes += s.length;
        this.active = s.enter;
        this.used ||= s.enter;
        from = at + s.length;
      }
      at = bytes.indexOf(ESC, at + 1);
    }
    this.emit(bytes.subarray(from));
  }

  /** Ends the stream: a partial sequence held back is output after all. */
  end(): void {
    this.emit(this.held);
    this.held = Buffer.alloc(0);
  }

  private emit(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    if (this.active) this.drawnBytes += bytes.length;
    else this.sink(bytes);
  }
}

/** At an ESC: an alternate-screen switch and its length, "partial" when the bytes end inside one, else undefined. */
function modeSwitch(bytes: Buffer, at: number): { enter: boolean; length: number } | "partial" | undefined {
  const prefix = [ESC, 0x5b, 0x3f]; // ESC [ ?
  let i = at;
  for (const p of prefix) {
    if (i === bytes.length) return "partial";
    if (bytes[i++] !== p) return undefined;
  }
  const start = i;
  while (i < bytes.length && i - at < maxSequence && ((bytes[i] >= 0x30 && bytes[i] <= 0x39) || bytes[i] === 0x3b)) i++;
  if (i === bytes.length) return i - at < maxSequence ? "partial" : undefined;
  const final = bytes[i];
  if (final !== 0x68 && final !== 0x6c) return undefined; // h or l
  const modes = bytes.subarray(start, i).toString("latin1").split(";");
  if (!modes.some((m) => altModes.has(m))) return undefined;
  return { enter: final === 0x68, length: i + 1 - at };
}
