import { appendFileSync, readFileSync, rmSync } from "node:fs";
import { writeFileAtomic } from "../state/atomic-write.js";

/** The task a trace records, as given to `devtrace agent start`. */
export interface TraceTask {
  description: string;
  repoUrl: string;
  baseCommit: string;
  branch: string;
  testImage: string;
  testCommand: string;
}

/**
 * trace.json in the state directory (mode 0600): the repository's open trace. It exists
 * before the server knows the trace (requestId makes CreateTrace idempotent when the
 * agent dies between the call and writing the answer down) and holds the upload token.
 */
export interface TraceFile {
  version: 1;
  /** CreateTrace idempotency key. */
  requestId: string;
  /** The server the trace lives on. */
  serverUrl: string;
  task: TraceTask;
  developerId: string;
  developerName: string;
  developerEmail: string;
  createdAt: string;
  /** Set once CreateTrace answered. */
  traceId?: string;
  uploadToken?: string;
}

/** The repository's open trace, or undefined when none is open. */
export function readTraceFile(path: string): TraceFile | undefined {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new Error(`cannot read ${path}`, { cause: err });
  }
  try {
    const parsed = JSON.parse(text) as TraceFile;
    if (parsed.version !== 1 || typeof parsed.requestId !== "string") throw new Error("unknown layout");
    return parsed;
  } catch (err) {
    throw new Error(`${path} is damaged; move it away to start a new trace`, { cause: err });
  }
}

/** Writes trace.json atomically, readable by the user only. */
export function writeTraceFile(path: string, file: TraceFile): void {
  writeFileAtomic(path, `${JSON.stringify(file, null, 2)}\n`, 0o600);
}

/** Moves a finalized trace to the history file (without its token) and removes trace.json. */
export function archiveTraceFile(path: string, historyFile: string, file: TraceFile, sealedAt: Date): void {
  const { uploadToken: _secret, ...rest } = file;
  appendFileSync(historyFile, `${JSON.stringify({ ...rest, sealedAt: sealedAt.toISOString() })}\n`, { mode: 0o600 });
  rmSync(path, { force: true });
}
