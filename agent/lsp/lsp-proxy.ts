import { spawn } from "node:child_process";
import { constants } from "node:os";
import type { Readable, Writable } from "node:stream";
import type { Logger } from "pino";
import { LspFrameReader } from "./lsp-frame-reader.js";

/** Options of runLspProxy(). */
export interface LspProxyOptions {
  /** The language server's command and arguments. */
  command: string;
  args: string[];
  /** The editor's side: default process.stdin / process.stdout. The server's stderr goes to ours. */
  input?: Readable;
  output?: Writable;
  /** Environment and working directory of the server (default: ours). */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Observers of each complete message; they run after the bytes were forwarded. */
  onClientMessage?: (body: Buffer) => void;
  onServerMessage?: (body: Buffer) => void;
  /**
   * Once the editor's side has closed (the editor exited or was killed), how long the server
   * gets to exit by itself before SIGTERM, and as long again before SIGKILL. Default 5000 ms.
   */
  orphanGraceMs?: number;
  logger: Logger;
}

/** How the server ended: the proxy ends the same way. */
export type ServerExit = { code: number; signal?: undefined } | { code?: undefined; signal: NodeJS.Signals };

/** Signals an editor may send the proxy; each is passed on to the server, which decides. */
const forwardedSignals: NodeJS.Signals[] = ["SIGTERM", "SIGINT", "SIGHUP", "SIGQUIT"];

/**
 * Starts the server and forwards every byte unchanged both ways (stream pipes, with their
 * back-pressure); the frame readers only watch copies, after the write, and a failure in
 * an observer is logged, never forwarded. The editor closing its side closes the server's
 * stdin; resolves when the server has exited and its output has been written.
 */
export function runLspProxy(options: LspProxyOptions): Promise<ServerExit> {
  const input = options.input ?? process.stdin;
  const output = options.output ?? process.stdout;
  const { logger } = options;
  return new Promise((resolve, reject) => {
    const child = spawn(options.command, options.args, { stdio: ["pipe", "pipe", "inherit"], env: options.env, cwd: options.cwd });
    const relays = forwardedSignals.map((signal) => {
      const relay = () => child.kill(signal);
      process.on(signal, relay);
      return () => process.off(signal, relay);
    });
    const cleanup = () => relays.forEach((off) => off());
    child.once("error", (err) => {
      cleanup();
      reject(new Error(`cannot start the language server ${options.command}`, { cause: err }));
    });
    // Pipes first: their listeners run before the observers' on every chunk.
    input.pipe(child.stdin);
    child.stdout.pipe(output, { end: false });
    watch(input, "client", options.onClientMessage, logger);
    watch(child.stdout, "server", options.onServerMessage, logger);
    // The server may exit before reading all we send (a shutdown race): not our error.
    child.stdin.on("error", (err) => logger.debug({ err }, "the server's stdin closed"));
    // Nobody can talk to a server whose editor is gone: it must not outlive it.
    const grace = options.orphanGraceMs ?? 5_000;
    let orphanTimer: NodeJS.Timeout | undefined;
    input.once("end", () => {
      orphanTimer = setTimeout(() => {
        logger.warn("the editor closed its side and the server is still running: SIGTERM");
        child.kill("SIGTERM");
        orphanTimer = setTimeout(() => child.kill("SIGKILL"), grace);
      }, grace);
    });
    output.on("error", (err) => logger.debug({ err }, "the editor's side closed"));
    child.once("close", (code, signal) => {
      clearTimeout(orphanTimer);
      cleanup();
      input.unpipe(child.stdin);
      // Nothing more can reach the server: stop reading, or the editor's open pipe keeps us alive.
      input.destroy();
      resolve(signal ? { signal } : { code: code ?? 0 });
    });
  });
}

/** Observes a stream's messages; every chunk is a copy of what was forwarded. */
function watch(stream: Readable, side: string, observe: ((body: Buffer) => void) | undefined, logger: Logger): void {
  if (!observe) return;
  let broken = false;
  const reader = new LspFrameReader({
    onMessage: (body) => {
      try {
        observe(body);
      } catch (err) {
        logger.warn({ err, side }, "could not record an LSP message (it was forwarded)");
      }
    },
    onSkip: (reason, bytes) => logger.warn({ side, reason, bytes }, "unframed LSP bytes forwarded untouched"),
  });
  stream.on("data", (chunk: Buffer) => {
    if (broken) return;
    try {
      reader.push(chunk);
    } catch (err) {
      broken = true;
      logger.error({ err, side }, "the LSP observer failed; forwarding continues without recording");
    }
  });
}

/** Ends this process the way the server ended: its exit code, or the same signal. */
export function exitLike(exit: ServerExit): void {
  if (exit.signal) {
    for (const s of forwardedSignals) process.removeAllListeners(s);
    process.kill(process.pid, exit.signal);
    // A signal whose default action is not to end the process: exit with the shell's convention.
    process.exitCode = 128 + (constants.signals[exit.signal] ?? 0);
  } else process.exitCode = exit.code;
}
