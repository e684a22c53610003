import { readFileSync } from "node:fs";
import { join } from "node:path";

/** A recorded pty session (test/fixtures/osc, made by capture.mjs). */
export interface Recording {
  name: string;
  bytes: Buffer;
  /** The chunks as node-pty delivered them. */
  chunks: Buffer[];
  shell: string;
  nonce: string;
  home: string;
  /** What the typed lines must come out as; null fields: no exit code / output not checked. */
  commands: { commandLine: string; exitCode: number | null; output: string | null; cwd: string; fullScreen?: boolean; outputBytesReplaced?: number }[];
}

const dir = join(import.meta.dirname, "..", "..", "..", "fixtures", "osc");

/** Loads test/fixtures/osc/<name>.bin and .json. */
export function loadRecording(name: string): Recording {
  const bytes = readFileSync(join(dir, `${name}.bin`));
  const meta = JSON.parse(readFileSync(join(dir, `${name}.json`), "utf8")) as Omit<Recording, "name" | "bytes" | "chunks"> & { chunks: number[] };
  const chunks: Buffer[] = [];
  let at = 0;
  for (const n of meta.chunks) {
    chunks.push(bytes.subarray(at, at + n));
    at += n;
  }
  return { ...meta, name, bytes, chunks };
}

/** The recordings the replay tests run over. */
export const recordings = ["bash-small", "bash-session", "zsh-session", "bash-fidelity", "zsh-fidelity"];
