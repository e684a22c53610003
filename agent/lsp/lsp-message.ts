import type { LspPosition } from "./open-documents.js";

/** A decoded JSON-RPC message, every field untrusted. */
export interface LspMessage {
  id?: unknown;
  method?: unknown;
  params?: unknown;
  result?: unknown;
  error?: unknown;
}

/** A place the server answered: a document and a range (LSP Location or LocationLink). */
export interface LspTarget {
  uri: string;
  start: LspPosition;
  end: LspPosition;
}

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x);

/** Parses a message body; undefined when it is not a JSON object (the bytes were forwarded anyway). */
export function decodeMessage(body: Buffer): LspMessage | undefined {
  try {
    const value: unknown = JSON.parse(body.toString("utf8"));
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** A key for a JSON-RPC id (numbers and strings are distinct ids). */
export function idKey(id: unknown): string | undefined {
  if (typeof id === "number" && Number.isFinite(id)) return `n${id}`;
  if (typeof id === "string") return `s${id}`;
  return undefined;
}

/** A valid LSP position (non-negative 32-bit line and character), else undefined. */
export function asPosition(x: unknown): LspPosition | undefined {
  if (!isRecord(x)) return undefined;
  const ok = (n: unknown): n is number => Number.isSafeInteger(n) && (n as number) >= 0 && (n as number) <= 0xffffffff;
  return ok(x.line) && ok(x.character) ? { line: x.line, character: x.character } : undefined;
}

/** params.textDocument.uri and params.position of a text document request, when present. */
export function documentPosition(params: unknown): { uri?: string; position?: LspPosition } {
  if (!isRecord(params)) return {};
  const doc = params.textDocument;
  const uri = isRecord(doc) && typeof doc.uri === "string" ? doc.uri : undefined;
  return { uri, position: asPosition(params.position) };
}

/** params.textDocument of didOpen / didChange / didClose. */
export function textDocumentItem(params: unknown): { uri: string; languageId: string; version: number; text?: string } | undefined {
  if (!isRecord(params) || !isRecord(params.textDocument)) return undefined;
  const d = params.textDocument;
  if (typeof d.uri !== "string") return undefined;
  return {
    uri: d.uri,
    languageId: typeof d.languageId === "string" ? d.languageId : "",
    version: Number.isSafeInteger(d.version) ? (d.version as number) : 0,
    text: typeof d.text === "string" ? d.text : undefined,
  };
}

/** The targets of a definition-like or references response: Location | Location[] | LocationLink[] | null. */
export function responseTargets(result: unknown): LspTarget[] {
  const items = Array.isArray(result) ? result : result == null ? [] : [result];
  const out: LspTarget[] = [];
  for (const item of items) {
    if (!isRecord(item)) continue;
    // A LocationLink: where the editor puts the cursor is targetSelectionRange.
    const uri = item.targetUri ?? item.uri;
    const range = item.targetSelectionRange ?? item.targetRange ?? item.range;
    if (typeof uri !== "string" || !isRecord(range)) continue;
    const start = asPosition(range.start);
    const end = asPosition(range.end);
    if (start && end) out.push({ uri, start, end });
  }
  return out;
}

/** didChange's contentChanges, kept only when every change is well-formed. */
export function contentChanges(params: unknown): Array<{ text: string; range?: { start: LspPosition; end: LspPosition } }> | undefined {
  if (!isRecord(params) || !Array.isArray(params.contentChanges)) return undefined;
  const out: Array<{ text: string; range?: { start: LspPosition; end: LspPosition } }> = [];
  for (const c of params.contentChanges) {
    if (!isRecord(c) || typeof c.text !== "string") return undefined;
    if (c.range === undefined) out.push({ text: c.text });
    else {
      const r = c.range;
      const start = isRecord(r) ? asPosition(r.start) : undefined;
      const end = isRecord(r) ? asPosition(r.end) : undefined;
      if (!start || !end) return undefined;
      out.push({ text: c.text, range: { start, end } });
    }
  }
  return out;
}
