import { TextDocument, type TextDocumentContentChangeEvent } from "vscode-languageserver-textdocument";

/** An LSP position: zero-based line and character. */
export interface LspPosition {
  line: number;
  character: number;
}

/** Longest identifier reported as a symbol. */
const maxSymbolChars = 256;
const wordChar = /[\p{L}\p{N}_$]/u;

/**
 * The text of the documents the editor has open, kept in step with didOpen, didChange and
 * didClose as the server sees them, so the symbol under a position is the one on the
 * developer's screen, unsaved edits included.
 */
export class OpenDocuments {
  private readonly docs = new Map<string, TextDocument>();

  /** textDocument/didOpen. */
  open(uri: string, languageId: string, version: number, text: string): void {
    this.docs.set(uri, TextDocument.create(uri, languageId, version, text));
  }

  /** textDocument/didChange: full or incremental changes; unknown documents are ignored. */
  change(uri: string, version: number, changes: TextDocumentContentChangeEvent[]): void {
    const doc = this.docs.get(uri);
    if (doc) TextDocument.update(doc, changes, version);
  }

  /** textDocument/didClose. */
  close(uri: string): void {
    this.docs.delete(uri);
  }

  /** True while the editor has the document open. */
  has(uri: string): boolean {
    return this.docs.has(uri);
  }

  /** The identifier at or just before `position` in an open document, or "" when none. */
  symbolAt(uri: string, position: LspPosition): string {
    const doc = this.docs.get(uri);
    return doc ? symbolAt(doc.getText(), doc.offsetAt(position)) : "";
  }
}

/** The identifier around UTF-16 offset `at` in `text` (also when the cursor sits just after it). */
export function symbolAt(text: string, at: number): string {
  const isWord = (i: number) => i >= 0 && i < text.length && wordChar.test(text[i]);
  let start = isWord(at) ? at : isWord(at - 1) ? at - 1 : -1;
  if (start < 0) return "";
  let end = start;
  while (isWord(start - 1) && end - start < maxSymbolChars) start--;
  while (isWord(end + 1) && end - start < maxSymbolChars) end++;
  return text.slice(start, end + 1);
}

/** The UTF-16 offset of an LSP position in `text` (lines split on \n, \r\n or \r). */
export function offsetAt(text: string, position: LspPosition): number {
  return TextDocument.create("file:///x", "", 0, text).offsetAt(position);
}
