/**
 * The OSC 633 wire format of VS Code's shell integration, as devtrace's scripts emit it
 * (agent/shell/scripts/). Every sequence is `ESC ] 633 ; <payload> ST`, ST being BEL (0x07) or
 * `ESC \`. Values escape `\` as `\\`, and `;` and bytes below 0x20 as `\xNN`.
 */
export enum Osc633Kind {
  /** `ESC ] 633 ; A ST`: the prompt starts. */
  PromptStart = "A",
  /** `ESC ] 633 ; B ST`: the prompt ends; what follows is the user typing. */
  PromptEnd = "B",
  /** `ESC ] 633 ; C ST`: the command line starts running; its output follows. */
  OutputStart = "C",
  /**
   * `ESC ] 633 ; D [; <exit code> [; <nonce>]] ST`: the command line finished. The nonce is a
   * devtrace addition (VS Code's D has none) so that output cannot end a command early.
   */
  CommandFinished = "D",
  /** `ESC ] 633 ; E ; <command line> [; <nonce>] ST`: the command line exactly as typed. */
  CommandLine = "E",
  /**
   * `ESC ] 633 ; F [; <line so far> ; <nonce>] ST`: a continuation prompt (PS2) starts. The
   * line so far (bash's history entry before the next line joins it) is a devtrace addition.
   */
  ContinuationStart = "F",
  /** `ESC ] 633 ; G ST`: a continuation prompt ends. */
  ContinuationEnd = "G",
  /** `ESC ] 633 ; P ; <name>=<value> ST`: a property of the shell, such as `Cwd`. */
  Property = "P",
}

/** One decoded OSC 633 sequence. */
export type Osc633Message =
  | {
      kind:
        | Osc633Kind.PromptStart
        | Osc633Kind.PromptEnd
        | Osc633Kind.OutputStart
        | Osc633Kind.ContinuationEnd;
    }
  | { kind: Osc633Kind.ContinuationStart; lineSoFar?: string; nonce?: string }
  | { kind: Osc633Kind.CommandFinished; exitCode?: number; nonce?: string }
  | { kind: Osc633Kind.CommandLine; commandLine: string; nonce?: string }
  | { kind: Osc633Kind.Property; name: string; value: string };

const BACKSLASH = 0x5c;
const SEMICOLON = 0x3b;
const utf8 = new TextDecoder("utf-8", { fatal: false });

/** The payload after `633;`, split on `;` (which never occurs escaped) and unescaped. */
function fields(payload: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let start = 0;
  for (let i = 0; i <= payload.length; i++) {
    if (i === payload.length || payload[i] === SEMICOLON) {
      out.push(payload.subarray(start, i));
      start = i + 1;
    }
  }
  return out;
}

function hexValue(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  const lower = byte | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return -1;
}

/** Undoes the value escaping; a backslash that starts no escape stays as it is. */
export function unescapeValue(field: Uint8Array): string {
  if (!field.includes(BACKSLASH)) return utf8.decode(field);
  const out = new Uint8Array(field.length);
  let n = 0;
  for (let i = 0; i < field.length; i++) {
    const b = field[i];
    if (b === BACKSLASH && field[i + 1] === BACKSLASH) {
      out[n++] = BACKSLASH;
      i++;
      continue;
    }
    if (b === BACKSLASH && (field[i + 1] | 0x20) === 0x78 && i + 3 < field.length) {
      const hi = hexValue(field[i + 2]);
      const lo = hexValue(field[i + 3]);
      if (hi >= 0 && lo >= 0) {
        out[n++] = hi * 16 + lo;
        i += 3;
        continue;
      }
    }
    out[n++] = b;
  }
  return utf8.decode(out.subarray(0, n));
}

/** Escapes a value the way the shell scripts do (used to build recordings in tests and tools). */
export function escapeValue(value: string): string {
  let out = "";
  for (const ch of value) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === "\\") out += "\\\\";
    else if (ch === ";" || code < 0x20) out += `\\x${code.toString(16).padStart(2, "0")}`;
    else out += ch;
  }
  return out;
}

function optionalText(field: Uint8Array | undefined): string | undefined {
  return field === undefined ? undefined : unescapeValue(field);
}

function decodeFinished(parts: Uint8Array[]): { value: Osc633Message } | { error: string } {
  const code = optionalText(parts[1]);
  const nonce = optionalText(parts[2]);
  if (code === undefined || code === "") return { value: { kind: Osc633Kind.CommandFinished, nonce } };
  if (!/^-?\d{1,10}$/.test(code)) return { error: `D: exit code ${JSON.stringify(code)} is not an integer` };
  return { value: { kind: Osc633Kind.CommandFinished, exitCode: Number(code), nonce } };
}

function decodeProperty(parts: Uint8Array[]): { value: Osc633Message } | { error: string } {
  const text = optionalText(parts[1]) ?? "";
  const eq = text.indexOf("=");
  if (eq <= 0) return { error: `P: ${JSON.stringify(text)} is not name=value` };
  return { value: { kind: Osc633Kind.Property, name: text.slice(0, eq), value: text.slice(eq + 1) } };
}

/** Decodes the payload of one OSC 633 sequence (the bytes between `633;` and ST). */
export function decodeOsc633(payload: Uint8Array): { value: Osc633Message } | { error: string } {
  const parts = fields(payload);
  const letter = utf8.decode(parts[0]);
  switch (letter) {
    case Osc633Kind.PromptStart:
    case Osc633Kind.PromptEnd:
    case Osc633Kind.OutputStart:
    case Osc633Kind.ContinuationEnd:
      return { value: { kind: letter } };
    case Osc633Kind.ContinuationStart:
      return { value: { kind: letter, lineSoFar: optionalText(parts[1]), nonce: optionalText(parts[2]) } };
    case Osc633Kind.CommandFinished:
      return decodeFinished(parts);
    case Osc633Kind.CommandLine:
      return {
        value: { kind: Osc633Kind.CommandLine, commandLine: optionalText(parts[1]) ?? "", nonce: optionalText(parts[2]) },
      };
    case Osc633Kind.Property:
      return decodeProperty(parts);
    default:
      return { error: `unknown OSC 633 sequence ${JSON.stringify(letter)}` };
  }
}
