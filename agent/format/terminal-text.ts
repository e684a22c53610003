/**
 * Text from a trace made safe for a terminal: control characters (ESC sequences that could
 * move the cursor, retitle the window or fake output, and C1 controls) are shown as \xNN;
 * new lines and tabs become spaces unless `keepLines`.
 */
export function terminalText(text: string, keepLines = false): string {
  const shown = text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
  return keepLines ? shown : shown.replace(/[\n\t]/g, " ");
}

/** Wraps `text` at word boundaries to lines of at most `width` characters (a longer word is split), each prefixed with `indent`. */
export function wrapText(text: string, width: number, indent = ""): string[] {
  const room = Math.max(10, width - indent.length);
  const lines: string[] = [];
  let line = "";
  for (let word of terminalText(text).split(/ +/).filter(Boolean)) {
    while (word.length > room) {
      if (line) lines.push(line);
      lines.push(word.slice(0, room));
      word = word.slice(room);
      line = "";
    }
    if (line && line.length + 1 + word.length > room) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.map((l) => indent + l);
}
