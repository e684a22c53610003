import { createHash } from "node:crypto";
import { mkdirSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { GitRepo } from "../repo/git-repo.js";

/** Unix socket paths longer than this fail to bind (sun_path is 108 bytes on Linux, 104 on macOS). */
const maxSocketPath = 100;

/**
 * Where one repository's agent keeps its state: inside the git directory
 * (<repo>/.git/devtrace/), never inside the tracked tree, so the watcher and
 * the final patch never see it and `git clean` leaves it alone.
 */
export interface StateDir {
  /** The directory itself (mode 0700). */
  root: string;
  /** The agent's pid and start time, for status and stop. */
  pidFile: string;
  /** The local socket (mode 0600). */
  socket: string;
  /** The spool directory (the durable journal). */
  spool: string;
  /** trace.json: trace id, upload token, base commit (mode 0600). */
  traceFile: string;
  /** Traces this repository finalized, one JSON line each. */
  historyFile: string;
  /** The detached agent's stdout/stderr and pino log. */
  logFile: string;
  /** Shells' undelivered records, one file per shell (see shell outbox). */
  outbox: string;
  /** The highest record number per session the agent has spooled (dedupes redelivery). */
  intakeLedger: string;
  /** The last recorded state of the files, so a restarted agent records what changed meanwhile. */
  baseline: string;
  /** Name of the Linux abstract socket used as the one-agent-per-repo lock. */
  lockName: string;
}

/** The state directory of a repository, with its paths; nothing is created. */
export function stateDirOf(repo: GitRepo): StateDir {
  const root = join(repo.gitDir, "devtrace");
  const hash = createHash("sha256").update(repo.root).digest("hex").slice(0, 16);
  const uid = typeof process.getuid === "function" ? process.getuid() : 0;
  let socket = join(root, "agent.sock");
  if (Buffer.byteLength(socket) > maxSocketPath) {
    // A deep checkout: the socket lives in a private per-user directory, named after the repo.
    socket = join(tmpdir(), `devtrace-${uid}`, `${hash}.sock`);
  }
  return {
    root,
    pidFile: join(root, "agent.pid"),
    socket,
    spool: join(root, "spool"),
    traceFile: join(root, "trace.json"),
    historyFile: join(root, "finalized.jsonl"),
    logFile: join(root, "agent.log"),
    outbox: join(root, "outbox"),
    intakeLedger: join(root, "intake-ledger.json"),
    baseline: join(root, "baseline"),
    lockName: `devtrace-agent-${uid}-${hash}`,
  };
}

/** Creates the state directory (and the socket's directory) readable by the user only. */
export function ensureStateDir(state: StateDir): void {
  for (const dir of [state.root, state.outbox, join(state.socket, "..")]) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700);
  }
}
