import { once } from "node:events";
import { createWriteStream, renameSync, rmSync, type WriteStream } from "node:fs";

/**
 * A JSON-lines output: a file written as "PATH.partial" and renamed to PATH only by close(), so
 * an export that fails half-way leaves no file that looks complete; or stdout when path is absent.
 */
export class JsonLinesFile {
  readonly path: string | undefined;
  readonly #stream: WriteStream | NodeJS.WriteStream;
  #error: Error | undefined;
  lines = 0;

  constructor(path: string | undefined) {
    this.path = path;
    this.#stream = path === undefined ? process.stdout : createWriteStream(`${path}.partial`, { mode: 0o600 });
    this.#stream.on("error", (err: Error) => (this.#error ??= err));
  }

  /** Writes one value as a line; waits while the stream's buffer is full. */
  async write(value: unknown): Promise<void> {
    if (this.#error) throw this.#error;
    this.lines++;
    // once() rejects when the stream emits "error" meanwhile, and leaves no listener behind.
    if (!this.#stream.write(`${JSON.stringify(value)}\n`)) await once(this.#stream, "drain");
    if (this.#error) throw this.#error;
  }

  /** Flushes and, for a file, gives it its name. */
  async close(): Promise<void> {
    if (this.path === undefined) return;
    const s = this.#stream as WriteStream;
    await new Promise<void>((resolve, reject) => s.end((err?: Error | null) => (err ? reject(err) : resolve())));
    if (this.#error) throw this.#error;
    renameSync(`${this.path}.partial`, this.path);
  }

  /** Removes what a failed export wrote. */
  abort(): void {
    if (this.path === undefined) return;
    (this.#stream as WriteStream).destroy();
    rmSync(`${this.path}.partial`, { force: true });
  }
}
