import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import type { Logger } from "pino";
import { EventSchema, LocationSchema, type Event, type Location } from "../../gen/devtrace/v1/event_pb.js";
import { contentChanges, decodeMessage, documentPosition, idKey, responseTargets, textDocumentItem, type LspMessage, type LspTarget } from "./lsp-message.js";
import { uriToRepoPath } from "./lsp-uri.js";
import { offsetAt, OpenDocuments, symbolAt, type LspPosition } from "./open-documents.js";

/** Definition-like requests and the `request` name they are recorded under. */
const definitionRequests: Record<string, string> = {
  "textDocument/definition": "definition",
  "textDocument/declaration": "declaration",
  "textDocument/typeDefinition": "type_definition",
  "textDocument/implementation": "implementation",
};
const referencesRequest = "textDocument/references";
/** Largest file read from disk to name the symbol at a target no editor has open. */
const maxTargetFileBytes = 2 * 1024 * 1024;

/** Options of new NavigationRecorder(). */
export interface NavigationRecorderOptions {
  /** The repository root; nothing outside it is recorded. */
  root: string;
  /** Receives each finished event (the proxy hands it to the agent's intake). */
  sink: (event: Event) => void;
  logger: Logger;
  /** How long after an answer a visit to its target counts as following it. Default 5000 ms. */
  followWindowMs?: number;
  /** References kept per find_references event. Default 100. */
  maxReferences?: number;
  /** Clock in ms. Default Date.now. */
  now?: () => number;
}

interface Asked {
  method: string;
  uri: string;
  path: string;
  position: LspPosition;
  symbol: string;
  at: number;
}

interface Waiting {
  event: Event;
  targets: LspTarget[];
  timer: NodeJS.Timeout;
}

/**
 * Turns the LSP traffic between an editor and its server into navigation events:
 * `file_opened` from didOpen, `go_to_definition` and `find_references` from answered
 * requests. An answered event waits up to the follow window for the editor to open or ask
 * about one of its targets (then it is `followed`), and is sent when that happens or the
 * window ends. Cancelled requests, error responses and empty answers are not recorded.
 */
export class NavigationRecorder implements Disposable {
  private readonly docs = new OpenDocuments();
  private readonly asked = new Map<string, Asked>();
  private readonly waiting = new Set<Waiting>();
  private readonly now: () => number;

  constructor(private readonly options: NavigationRecorderOptions) {
    this.now = options.now ?? Date.now;
  }

  /** A message the editor sent to the server. */
  fromClient(body: Buffer): void {
    const m = decodeMessage(body);
    if (!m || typeof m.method !== "string") return;
    const { uri, position } = documentPosition(m.params);
    switch (m.method) {
      case "textDocument/didOpen":
        this.opened(m);
        break;
      case "textDocument/didChange": {
        const changes = contentChanges(m.params);
        const item = textDocumentItem(m.params);
        if (item && changes) this.docs.change(item.uri, item.version, changes);
        return;
      }
      case "textDocument/didClose":
        if (uri) this.docs.close(uri);
        return;
      case "$/cancelRequest": {
        const key = idKey((m.params as { id?: unknown } | undefined)?.id);
        if (key && this.asked.delete(key)) this.options.logger.debug({ id: key }, "navigation request cancelled: not recorded");
        return;
      }
      default:
        if (m.method in definitionRequests || m.method === referencesRequest) this.ask(m, uri, position);
    }
    if (uri) this.visited(uri, position);
  }

  /** A message the server sent to the editor. */
  fromServer(body: Buffer): void {
    if (this.asked.size === 0) return; // nothing to pair: skip decoding diagnostics and the like
    const m = decodeMessage(body);
    if (!m || m.method !== undefined) return;
    const key = idKey(m.id);
    const asked = key ? this.asked.get(key) : undefined;
    if (!key || !asked) return;
    this.asked.delete(key);
    if (m.error !== undefined || !("result" in m)) {
      this.options.logger.debug({ method: asked.method }, "navigation request failed: not recorded");
      return;
    }
    this.answered(asked, responseTargets(m.result));
  }

  /** Sends every waiting event now (the proxy is ending). */
  flush(): void {
    for (const w of [...this.waiting]) this.send(w);
  }

  [Symbol.dispose](): void {
    this.flush();
  }

  private opened(m: LspMessage): void {
    const item = textDocumentItem(m.params);
    if (!item) return;
    if (item.text !== undefined) this.docs.open(item.uri, item.languageId, item.version, item.text);
    const path = uriToRepoPath(item.uri, this.options.root);
    if (path === undefined) return;
    this.options.sink(
      create(EventSchema, { time: timestampFromMs(this.now()), kind: { case: "fileOpened", value: { path, language: item.languageId.slice(0, 64) } } }),
    );
  }

  private ask(m: LspMessage, uri: string | undefined, position: LspPosition | undefined): void {
    const key = idKey(m.id);
    if (!key || !uri || !position) return;
    const path = uriToRepoPath(uri, this.options.root);
    if (path === undefined) return;
    this.asked.set(key, { method: m.method as string, uri, path, position, symbol: this.docs.symbolAt(uri, position), at: this.now() });
  }

  private answered(asked: Asked, targets: LspTarget[]): void {
    const latencyMs = Math.min(0xffffffff, Math.max(0, Math.round(this.now() - asked.at)));
    const source = location(asked.path, asked.position, asked.position, asked.symbol);
    const inRepo = targets.flatMap((t) => {
      const path = uriToRepoPath(t.uri, this.options.root);
      return path === undefined ? [] : [{ t, path }];
    });
    let event: Event;
    if (asked.method === referencesRequest) {
      const max = this.options.maxReferences ?? 100;
      const references = inRepo.slice(0, max).map(({ t, path }) => location(path, t.start, t.end, ""));
      event = create(EventSchema, {
        time: timestampFromMs(asked.at),
        kind: {
          case: "findReferences",
          value: { source, references, latencyMs, referencesFound: targets.length, referencesCut: targets.length - references.length },
        },
      });
    } else {
      const first = inRepo[0];
      if (!first) return; // nothing inside the repository to point at
      const target = location(first.path, first.t.start, first.t.end, this.symbolOf(first.t, first.path));
      event = create(EventSchema, {
        time: timestampFromMs(asked.at),
        kind: { case: "goToDefinition", value: { source, target, latencyMs, request: definitionRequests[asked.method], targetsFound: targets.length } },
      });
    }
    const waiting: Waiting = { event, targets: inRepo.map((x) => x.t), timer: setTimeout(() => this.send(waiting), this.options.followWindowMs ?? 5_000) };
    waiting.timer.unref?.();
    this.waiting.add(waiting);
  }

  /** The editor opened `uri` or asked about a position in it: the waiting events pointing there were followed. */
  private visited(uri: string, position: LspPosition | undefined): void {
    for (const w of [...this.waiting]) {
      const hit = w.targets.some(
        (t) => t.uri === uri && (position === undefined || (position.line >= t.start.line && position.line <= t.end.line) || !this.isSource(w, uri)),
      );
      if (!hit) continue;
      const k = w.event.kind;
      if (k.case === "goToDefinition" || k.case === "findReferences") k.value.followed = true;
      this.send(w);
    }
  }

  /** True when `uri` is the document the request was made in (a position there proves nothing by itself). */
  private isSource(w: Waiting, uri: string): boolean {
    const k = w.event.kind;
    const source = k.case === "goToDefinition" || k.case === "findReferences" ? k.value.source?.path : undefined;
    return source !== undefined && uriToRepoPath(uri, this.options.root) === source;
  }

  private send(w: Waiting): void {
    if (!this.waiting.delete(w)) return;
    clearTimeout(w.timer);
    this.options.sink(w.event);
  }

  private symbolOf(t: LspTarget, path: string): string {
    if (this.docs.has(t.uri)) return this.docs.symbolAt(t.uri, t.start);
    try {
      const file = join(this.options.root, path);
      if (statSync(file).size > maxTargetFileBytes) return "";
      const text = readFileSync(file, "utf8");
      return symbolAt(text, offsetAt(text, t.start));
    } catch {
      return "";
    }
  }
}

function location(path: string, start: LspPosition, end: LspPosition, symbol: string): Location {
  return create(LocationSchema, {
    path,
    range: { start: { line: start.line, column: start.character }, end: { line: end.line, column: end.character } },
    symbol,
  });
}
