/**
 * The LSP overhead bench's server: answers every request at once with the place it was asked
 * about (a Location), `initialize` with no capabilities, and exits on `exit` or when its
 * input ends. Framing by vscode-jsonrpc, as real servers do; no work of its own, so what the
 * bench measures is the transport and, through `devtrace lsp`, the proxy.
 */
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from "vscode-jsonrpc/node";

const connection = createMessageConnection(new StreamMessageReader(process.stdin), new StreamMessageWriter(process.stdout));
connection.onRequest((method: string, params: unknown) => {
  if (method === "initialize") return { capabilities: {} };
  const p = (params ?? {}) as { textDocument?: { uri: string }; position?: { line: number; character: number } };
  if (!p.textDocument || !p.position) return null;
  return [{ uri: p.textDocument.uri, range: { start: p.position, end: { line: p.position.line, character: p.position.character + 1 } } }];
});
connection.onNotification("exit", () => process.exit(0));
connection.onClose(() => process.exit(0));
connection.listen();
