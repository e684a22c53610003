import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The only reader of process.env on the client side (agent, shell, CLI commands).
 * Everything else receives a ClientEnv or a resolved option explicitly.
 */

/** Default server the agent and CLI talk to when neither --server nor DEVTRACE_SERVER says. */
export const defaultServerUrl = "http://127.0.0.1:50051";

/** The environment variables the client side honours, read once. */
export interface ClientEnv {
  /** DEVTRACE_SERVER: target URL (http:// = h2c, https:// = TLS). */
  server?: string;
  /** DEVTRACE_TOKEN: bearer token for the server. */
  token?: string;
  /** DEVTRACE_CA: PEM file of a private CA (same as --ca). */
  ca?: string;
  /** DEVTRACE_DATA_DIR: where a local server keeps credentials.json (token fallback). */
  dataDir?: string;
  /** DEVTRACE_SESSION_ID: set inside a recorded shell; notes typed there carry it. */
  sessionId?: string;
  /** DEVTRACE_REPO: set inside a recorded shell: the repository whose agent records it. */
  repo?: string;
  /** DEVTRACE_LOG_LEVEL: pino level of the agent's log, default "info". */
  logLevel: string;
  /** $SHELL, default /bin/sh. */
  shell: string;
  /** The user's home directory (cwd paths are written relative to it as "~"). */
  home: string;
  /** CI=true: tests fail instead of skipping. Only used for diagnostics here. */
  ci: boolean;
  /** DEVTRACE_SPOOL_MAX_MB: the agent's spool bound in MiB (decimals allowed), default 1024. */
  spoolMaxBytes?: number;
  /** DEVTRACE_QUIET=1: a recorded shell starts without its one-line notice. */
  quiet: boolean;
}

/** Reads the client's environment variables. */
export function readClientEnv(env: NodeJS.ProcessEnv = process.env): ClientEnv {
  const nonEmpty = (v: string | undefined): string | undefined => (v && v.trim() !== "" ? v : undefined);
  return {
    server: nonEmpty(env.DEVTRACE_SERVER),
    token: nonEmpty(env.DEVTRACE_TOKEN),
    ca: nonEmpty(env.DEVTRACE_CA),
    dataDir: nonEmpty(env.DEVTRACE_DATA_DIR),
    sessionId: nonEmpty(env.DEVTRACE_SESSION_ID),
    repo: nonEmpty(env.DEVTRACE_REPO),
    logLevel: nonEmpty(env.DEVTRACE_LOG_LEVEL) ?? "info",
    shell: nonEmpty(env.SHELL) ?? "/bin/sh",
    home: nonEmpty(env.HOME) ?? homedir(),
    ci: env.CI === "true",
    spoolMaxBytes: spoolBound(nonEmpty(env.DEVTRACE_SPOOL_MAX_MB)),
    quiet: env.DEVTRACE_QUIET === "1" || env.DEVTRACE_QUIET === "true",
  };
}

/** DEVTRACE_SPOOL_MAX_MB as bytes; a value that is not a positive number is refused, naming it. */
function spoolBound(mb: string | undefined): number | undefined {
  if (mb === undefined) return undefined;
  const n = Number(mb);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`DEVTRACE_SPOOL_MAX_MB must be a positive number of MiB, got ${JSON.stringify(mb)}`);
  return Math.max(64 * 1024, Math.round(n * 1024 * 1024));
}

/** A copy of the whole environment, for child processes (the recorded shell, the detached agent). */
export function inheritedEnv(extra: Record<string, string> = {}): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) out[k] = v;
  return { ...out, ...extra };
}

/** Options shared by every command that talks to the server; flags win over env. */
export interface ServerOptions {
  /** Target URL; default http://127.0.0.1:50051. */
  url: string;
  /** Bearer token; may be undefined for a local server whose credentials.json is readable. */
  token?: string;
  /** PEM file of a private CA for https:// servers. */
  caFile?: string;
  /** Places a local server's credentials.json may be found in, most specific first. */
  credentialDirs: string[];
}

/** Merges --server/--token/--ca flags with the environment (flags win). */
export function resolveServerOptions(
  flags: { server?: string; token?: string; ca?: string },
  env: ClientEnv,
  cwd: string = process.cwd(),
): ServerOptions {
  return {
    url: flags.server ?? env.server ?? defaultServerUrl,
    token: flags.token ?? env.token,
    caFile: flags.ca ?? env.ca,
    credentialDirs: credentialDirs(env, cwd),
  };
}

/** Where `npm start` (data dir ./data of the devtrace checkout) or DEVTRACE_DATA_DIR keep credentials. */
function credentialDirs(env: ClientEnv, cwd: string): string[] {
  const dirs: string[] = [];
  if (env.dataDir) dirs.push(resolve(cwd, env.dataDir));
  dirs.push(resolve(cwd, "data"));
  const root = packageRoot();
  if (root) dirs.push(join(root, "data"));
  return [...new Set(dirs)];
}

/** The devtrace checkout this code runs from (dist/agent/ or agent/), where `npm start` keeps ./data. */
export function packageRoot(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    if (existsSync(join(dir, "package.json"))) return dir;
    dir = dirname(dir);
  }
  return undefined;
}
