/** Where stripped bytes go. */
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

/**
 * An incremental stripper of terminal escapes from output bytes, keeping the text: CSI, OSC,
 * DCS/SOS/PM/APC strings and two-byte escapes go, as do control bytes other than tab and
 * newline; `\r\n` becomes `\n`. A carriage return followed by more text replaces the line so
 * far (how progress bars redraw), and backspace erases a character, as a terminal shows them.
 * Chunks may split a sequence anywhere.
 */
export class AnsiStripper {
  private mode = Mode.Text;
  private readonly line = new Uint8Array(LINE_LIMIT);
  private lineLength = 0;
  /** A carriage return was seen and no text since: the next text replaces the line. */
  private returned = false;

  constructor(private readonly sink: ByteSink) {}

  /** Strips the next chunk. */
  push(chunk: Uint8Array): void {
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i];
      switch (this.mode) {
        case Mode.Text:
          this.text(b);
          break;
        case Mode.Escape:
          this.escape(b);
          break;
        case Mode.EscapeIntermediate:
          if (b >= 0x30 && b <= 0x7e) this.mode = Mode.Text;
          else if (b < 0x20 || b > 0x7e) this.mode = Mode.Text;
          break;
        case Mode.Csi:
          if (b >= 0x40 && b <= 0x7e) this.mode = Mode.Text;
          else if (b === ESC) this.mode = Mode.Escape;
          break;
        case Mode.String:
          if (b === BEL) this.mode = Mode.Text;
          else if (b === ESC) this.mode = Mode.StringEscape;
          break;
        case Mode.StringEscape:
          this.mode = b === 0x5c ? Mode.Text : b === ESC ? Mode.StringEscape : Mode.String;
          break;
      }
    }
  }

  /** Ends the stream: the last line, even without a newline, is kept. */
  end(): void {
    this.flushLine();
    this.mode = Mode.Text;
    this.returned = false;
  }

  private escape(b: number): void {
    if (b === 0x5b) this.mode = Mode.Csi;
    else if (b === 0x5d || b === 0x50 || b === 0x58 || b === 0x5e || b === 0x5f) this.mode = Mode.String;
    else if (b >= 0x20 && b <= 0x2f) this.mode = Mode.EscapeIntermediate;
    else if (b === ESC) this.mode = Mode.Escape;
    else {
      // A terminal still obeys a control byte (a newline, say) that follows a lone ESC.
      this.mode = Mode.Text;
      if (b < 0x20) this.text(b);
    }
  }

  private text(b: number): void {
    if (b === ESC) {
      this.mode = Mode.Escape;
    } else if (b === LF) {
      this.returned = false;
      this.append(LF);
      this.flushLine();
    } else if (b === CR) {
      this.returned = true;
    } else if (b === BS) {
      this.eraseCharacter();
    } else if (b >= 0x20 ? b !== DEL : b === TAB) {
      if (this.returned) {
        this.returned = false;
        this.lineLength = 0;
      }
      this.append(b);
    }
    // Any other control byte (BEL, NUL, ...) leaves no text.
  }

  private append(b: number): void {
    if (this.lineLength === LINE_LIMIT) this.flushLine();
    this.line[this.lineLength++] = b;
  }

  private eraseCharacter(): void {
    // Back over UTF-8 continuation bytes to the start of the last character.
    while (this.lineLength > 0 && (this.line[this.lineLength - 1] & 0xc0) === 0x80) this.lineLength--;
    if (this.lineLength > 0) this.lineLength--;
  }

  private flushLine(): void {
    if (this.lineLength === 0) return;
    this.sink(this.line.slice(0, this.lineLength));
    this.lineLength = 0;
  }
}

/** The text of `input` without terminal escapes (see AnsiStripper). */
export function stripAnsi(input: string | Uint8Array): string {
  const parts: Uint8Array[] = [];
  const stripper = new AnsiStripper((bytes) => parts.push(bytes));
  stripper.push(typeof input === "string" ? Buffer.from(input, "utf8") : input);
  stripper.end();
  return Buffer.concat(parts).toString("utf8");
}
