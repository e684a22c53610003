/** Where stripped bytes go; the array is only valid during the call (copy what you keep). */
export type ByteSink = (bytes: Uint8Array) => void;

const ESC = 0x1b;
const BEL = 0x07;
const BS = 0x08;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const DEL = 0x7f;
/** Longest line held back in case a carriage return overwrites it; longer lines are kept as they are. */
const LINE_LIMIT = 8 * 1024;

const enum Mode {
  Text,
  /** After ESC. */
  Escape,
  /** After ESC and intermediates (0x20–0x2f), waiting for the final byte. */
  EscapeIntermediate,
  /** Inside a CSI (`ESC [`), waiting for its final byte (0x40–0x7e). */
  Csi,
  /** Inside OSC, DCS, SOS, PM or APC, waiting for BEL or ST. */
  String,
  /** Inside a string, after an ESC. */
  StringEscape,
}

/** Text bytes: printable ASCII and every byte of UTF-8 sequences (not DEL, not C0 controls). */
function isText(b: number): boolean {
  return b >= 0x20 && b !== DEL;
}

/**
 * An incremental stripper of terminal escapes from output bytes, keeping the text: CSI, OSC,
 * DCS/SOS/PM/APC strings and two-byte escapes go, as do control bytes other than tab and
 * newline; `\r\n` becomes `\n`. A carriage return followed by more text replaces the line so
 * far (how progress bars redraw), and backspace erases a character, as a terminal shows them.
 * Chunks may split a sequence anywhere. The current line is held back (up to 8 KiB) until its
 * newline, since a carriage return may still replace it; everything before it goes to the sink
 * once per push.
 */
export class AnsiStripper {
  private mode = Mode.Text;
  /** Stripped bytes not yet given to the sink; the current line starts at lineStart. */
  private buf = new Uint8Array(LINE_LIMIT * 2);
  private length = 0;
  private lineStart = 0;
  /** A carriage return was seen and no text since: the next text replaces the line. */
  private returned = false;
  /** Parameter bytes of the CSI being read (only the short ones matter). */
  private csiParams = "";

  constructor(private readonly sink: ByteSink) {}

  /** Strips the next chunk. */
  push(chunk: Uint8Array): void {
    this.reserve(chunk.length);
    let i = 0;
    while (i < chunk.length) {
      if (this.mode === Mode.Text) i = this.text(chunk, i);
      else this.escaped(chunk[i++]);
    }
    this.flush(this.lineStart);
  }

  /** Ends the stream: the last line, even without a newline, is kept. */
  end(): void {
    this.flush(this.length);
    this.mode = Mode.Text;
    this.returned = false;
  }

  /** Copies a run of text at once; handles one control byte. Returns where to go on. */
  private text(chunk: Uint8Array, at: number): number {
    let end = at;
    while (end < chunk.length && isText(chunk[end])) end++;
    if (end > at) {
      if (this.returned) this.overwriteLine();
      this.buf.set(chunk.subarray(at, end), this.length);
      this.length += end - at;
      // A line too long to hold is kept as it is: a later \r can no longer take it back.
      if (this.length - this.lineStart > LINE_LIMIT) this.lineStart = this.length;
      return end;
    }
    this.control(chunk[at]);
    return at + 1;
  }

  private control(b: number): void {
    if (b === ESC) this.mode = Mode.Escape;
    else if (b === LF) {
      this.returned = false;
      this.buf[this.length++] = LF;
      this.lineStart = this.length;
    } else if (b === CR) this.returned = true;
    else if (b === BS) this.eraseCharacter();
    else if (b === TAB) {
      if (this.returned) this.overwriteLine();
      this.buf[this.length++] = TAB;
    }
    // Any other control byte (BEL, NUL, ...) leaves no text.
  }

  private escaped(b: number): void {
    switch (this.mode) {
      case Mode.Escape:
        if (b === 0x5b) {
          this.mode = Mode.Csi;
          this.csiParams = "";
        }
        else if (b === 0x5d || b === 0x50 || b === 0x58 || b === 0x5e || b === 0x5f) this.mode = Mode.String;
        else if (b >= 0x20 && b <= 0x2f) this.mode = Mode.EscapeIntermediate;
        else if (b !== ESC) {
          // A terminal still obeys a control byte (a newline, say) that follows a lone ESC.
          this.mode = Mode.Text;
          if (b < 0x20) this.control(b);
        }
        return;
      case Mode.EscapeIntermediate:
        if (b >= 0x30 || b < 0x20) this.mode = Mode.Text;
        return;
      case Mode.Csi:
        if (b >= 0x40 && b <= 0x7e) {
          this.mode = Mode.Text;
          this.csi(b);
        } else if (b === ESC) this.mode = Mode.Escape;
        else if (this.csiParams.length < 8) this.csiParams += String.fromCharCode(b);
        return;
      case Mode.String:
        if (b === BEL) this.mode = Mode.Text;
        else if (b === ESC) this.mode = Mode.StringEscape;
        return;
      case Mode.StringEscape:
        this.mode = b === 0x5c ? Mode.Text : b === ESC ? Mode.StringEscape : Mode.String;
        return;
      default:
        return;
    }
  }

  /**
   * The cursor moves that progress bars redraw with besides a carriage return: back to column 1
   * (`CSI G`, `CSI 1G`, `CSI 0G`) and erasing the whole line (`CSI 2K`); each means the next text
   * replaces the line. Other sequences leave the text as it is.
   */
  private csi(final: number): void {
    const p = this.csiParams;
    if ((final === 0x47 && (p === "" || p === "0" || p === "1")) || (final === 0x4b && p === "2")) this.returned = true;
  }

  private overwriteLine(): void {
    this.returned = false;
    this.length = this.lineStart;
  }

  private eraseCharacter(): void {
    // Back over UTF-8 continuation bytes to the start of the last character of this line.
    while (this.length > this.lineStart && (this.buf[this.length - 1] & 0xc0) === 0x80) this.length--;
    if (this.length > this.lineStart) this.length--;
  }

  /** Makes room for `n` more bytes. */
  private reserve(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const grown = new Uint8Array(Math.max(this.length + n, this.buf.length * 2));
    grown.set(this.buf.subarray(0, this.length));
    this.buf = grown;
  }

  /** Gives the sink the first `upTo` bytes and keeps the rest (the current line). */
  private flush(upTo: number): void {
    if (upTo > 0) this.sink(this.buf.subarray(0, upTo));
    this.buf.copyWithin(0, upTo, this.length);
    this.length -= upTo;
    this.lineStart = Math.max(0, this.lineStart - upTo);
  }
}

/** The text of `input` without terminal escapes (see AnsiStripper). */
export function stripAnsi(input: string | Uint8Array): string {
  const parts: Buffer[] = [];
  const stripper = new AnsiStripper((bytes) => parts.push(Buffer.from(bytes)));
  stripper.push(typeof input === "string" ? Buffer.from(input, "utf8") : input);
  stripper.end();
  return Buffer.concat(parts).toString("utf8");
}
