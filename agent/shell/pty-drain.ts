import { readSync } from "node:fs";
import type { IPty } from "node-pty";
import type { Readable } from "node:stream";

/** At most this much is read from a pty after its stream ended (the kernel holds far less). */
const TAIL_LIMIT = 1 << 20;

/**
 * Two ways node-pty (1.1, on Unix) drops the end of a terminal's output when the child exits
 * (microsoft/node-pty#72, #726), and with it the last command's OSC 633 marks:
 * - it destroys its read stream 200 ms after the exit unless the stream closed first: everything
 *   unread is lost under load, and all of it while the session is paused for backpressure;
 * - libuv reports end-of-stream when the terminal hangs up after a short read, although a pty hands
 *   out at most a few KiB per read and more is still waiting in the kernel.
 * This turns that timer's destroy() into reading on (the stream ends once no process holds the
 * terminal; after `graceMs` it is destroyed anyway, for a background job that keeps it open), and
 * reads what the kernel still holds, handing it to `onTail`, before the stream closes its fd.
 */
export function readPtyToItsEnd(terminal: IPty, graceMs: number, onTail: (bytes: Buffer) => void): void {
  // Private fields of node-pty's UnixTerminal; another implementation keeps its own behaviour.
  const { _socket: socket, _fd: fd } = terminal as unknown as { _socket?: Readable; _fd?: number };
  if (!socket || typeof socket.destroy !== "function" || typeof fd !== "number") return;
  const destroy = socket.destroy.bind(socket);
  let draining = false;
  socket.destroy = ((error?: Error) => {
    if (!error && !draining && !socket.destroyed && !socket.readableEnded) {
      draining = true;
      const timer = setTimeout(() => destroy(), graceMs);
      socket.once("close", () => clearTimeout(timer));
      socket.resume();
      return socket;
    }
    if (!socket.destroyed) {
      const tail = readWhatIsLeft(fd);
      if (tail.length > 0) onTail(tail);
    }
    return destroy(error);
  }) as Readable["destroy"];
}

/** Reads a non-blocking fd until it is empty (EAGAIN), hung up with nothing left (EIO) or at the limit. */
function readWhatIsLeft(fd: number): Buffer {
  const chunks: Buffer[] = [];
  let total = 0;
  while (total < TAIL_LIMIT) {
    const chunk = Buffer.allocUnsafe(64 * 1024);
    let n: number;
    try {
      n = readSync(fd, chunk, 0, chunk.length, null);
    } catch {
      break; // EIO: nothing left and nobody holds the terminal; EAGAIN: nothing left for now.
    }
    if (n <= 0) break;
    chunks.push(chunk.subarray(0, n));
    total += n;
  }
  return Buffer.concat(chunks);
}
