import { parseArgs } from "node:util";
import type { ConnectionLimits } from "./net/connection-limits.js";
import { repoPolicyOf } from "./qa/repo-policy.js";
import type { QaOptions } from "./qa/start-qa.js";

/** A host and port to listen on; port 0 picks a free one. */
export interface ListenAddress {
  host: string;
  port: number;
}

/** Everything the server and worker processes read from flags and the environment. */
export interface ServerConfig {
  /** --listen / DEVTRACE_LISTEN; default 127.0.0.1:50051. */
  listen: ListenAddress;
  /** --data-dir / DEVTRACE_DATA_DIR; default ./data. Embedded store and credentials.json live here. */
  dataDir: string;
  /** --mongo-url / DEVTRACE_MONGO_URL; unset = embedded SQLite store. */
  mongoUrl?: string;
  /** --tls-cert/--tls-key or DEVTRACE_TLS_CERT/_KEY (PEM files); unset = plaintext h2c. */
  tls?: { certFile: string; keyFile: string };
  /** --allow-plaintext / DEVTRACE_ALLOW_PLAINTEXT=1: plaintext on a non-loopback address. */
  allowPlaintext: boolean;
  /** DEVTRACE_TOKEN: registered as an admin token at start (its hash only). */
  envToken?: string;
  /** DEVTRACE_LOG_LEVEL; default "info". */
  logLevel: string;
  /** Per-token bounds: DEVTRACE_STREAM_LIMIT (default 16), DEVTRACE_RATE_LIMIT req/s (default 200, 0 = off). */
  limits: { maxStreamsPerToken: number; requestsPerSecond: number };
  /** DEVTRACE_SHUTDOWN_TIMEOUT_MS: how long shutdown waits for in-flight work; default 10000. */
  shutdownTimeoutMs: number;
  /**
   * DEVTRACE_MAX_CONNECTIONS, DEVTRACE_HEADERS_TIMEOUT_MS, DEVTRACE_SESSION_IDLE_MS,
   * DEVTRACE_PING_INTERVAL_MS, DEVTRACE_PING_TIMEOUT_MS; unset = the defaults of net/connection-limits.ts.
   */
  connections: ConnectionLimits;
  /** QA pipeline settings (see server/qa/start-qa.ts). */
  qa: QaOptions;
}

/** A command line the server cannot run with; main prints it and exits with status 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** `devtrace server` / `devtrace worker` usage text. */
export const serverUsage = `usage: devtrace server [--listen ADDR] [--data-dir DIR] [--mongo-url URL] [--workers N]
                       [--tls-cert FILE --tls-key FILE] [--allow-plaintext]
       devtrace worker --mongo-url URL [--workers N]

  --listen ADDR      host:port to serve gRPC, gRPC-Web and Connect on (default 127.0.0.1:50051)
  --data-dir DIR     embedded store and first-run credentials (default ./data)
  --mongo-url URL    use MongoDB instead of the embedded store
  --workers N        in-process QA workers (default 1; 0 = none)
  --tls-cert FILE    PEM certificate; with --tls-key serves TLS (ALPN h2, http/1.1)
  --tls-key FILE     PEM private key
  --allow-plaintext  allow plaintext on a non-loopback address (behind a TLS proxy only)

environment (flags win): DEVTRACE_LISTEN DEVTRACE_DATA_DIR DEVTRACE_MONGO_URL DEVTRACE_TOKEN
  DEVTRACE_TLS_CERT DEVTRACE_TLS_KEY OPENAI_API_KEY OPENAI_BASE_URL DEVTRACE_JUDGE_MODEL DOCKER_HOST
  DEVTRACE_REPO_ALLOW DEVTRACE_JUDGE_DEADLINE_SEC DEVTRACE_QA_CPUS`;

const flags = {
  listen: { type: "string" },
  "data-dir": { type: "string" },
  "mongo-url": { type: "string" },
  workers: { type: "string" },
  "tls-cert": { type: "string" },
  "tls-key": { type: "string" },
  "allow-plaintext": { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

/** Parsed flags plus whether --help was asked for. */
export interface ParsedConfig {
  config: ServerConfig;
  help: boolean;
}

/**
 * Reads flags and environment (flags win). Throws UsageError naming the bad flag or variable.
 * `env` defaults to process.env: this module is the only one of the server that reads it.
 */
export function loadServerConfig(argv: string[], env: NodeJS.ProcessEnv = process.env): ParsedConfig {
  let values: ReturnType<typeof parse>["values"];
  try {
    values = parse(argv).values;
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err), { cause: err });
  }
  const certFile = values["tls-cert"] ?? nonEmpty(env.DEVTRACE_TLS_CERT);
  const keyFile = values["tls-key"] ?? nonEmpty(env.DEVTRACE_TLS_KEY);
  if ((certFile === undefined) !== (keyFile === undefined)) {
    throw new UsageError("--tls-cert and --tls-key go together: give both or neither");
  }
  const config: ServerConfig = {
    listen: parseListenAddress(values.listen ?? nonEmpty(env.DEVTRACE_LISTEN) ?? "127.0.0.1:50051"),
    dataDir: values["data-dir"] ?? nonEmpty(env.DEVTRACE_DATA_DIR) ?? "./data",
    mongoUrl: values["mongo-url"] ?? nonEmpty(env.DEVTRACE_MONGO_URL),
    tls: certFile && keyFile ? { certFile, keyFile } : undefined,
    allowPlaintext: values["allow-plaintext"] ?? env.DEVTRACE_ALLOW_PLAINTEXT === "1",
    envToken: nonEmpty(env.DEVTRACE_TOKEN),
    logLevel: nonEmpty(env.DEVTRACE_LOG_LEVEL) ?? "info",
    limits: {
      maxStreamsPerToken: parseCount("DEVTRACE_STREAM_LIMIT", env.DEVTRACE_STREAM_LIMIT, 16),
      requestsPerSecond: parseCount("DEVTRACE_RATE_LIMIT", env.DEVTRACE_RATE_LIMIT, 200),
    },
    shutdownTimeoutMs: parseCount("DEVTRACE_SHUTDOWN_TIMEOUT_MS", env.DEVTRACE_SHUTDOWN_TIMEOUT_MS, 10_000),
    connections: {
      maxConnections: optionalCount("DEVTRACE_MAX_CONNECTIONS", env.DEVTRACE_MAX_CONNECTIONS),
      headersTimeoutMs: optionalCount("DEVTRACE_HEADERS_TIMEOUT_MS", env.DEVTRACE_HEADERS_TIMEOUT_MS),
      sessionIdleMs: optionalCount("DEVTRACE_SESSION_IDLE_MS", env.DEVTRACE_SESSION_IDLE_MS),
      pingIntervalMs: optionalCount("DEVTRACE_PING_INTERVAL_MS", env.DEVTRACE_PING_INTERVAL_MS),
      pingTimeoutMs: optionalCount("DEVTRACE_PING_TIMEOUT_MS", env.DEVTRACE_PING_TIMEOUT_MS),
    },
    qa: {
      workers: parseCount("--workers", values.workers, 1),
      openaiApiKey: nonEmpty(env.OPENAI_API_KEY),
      openaiBaseUrl: nonEmpty(env.OPENAI_BASE_URL),
      judgeModel: nonEmpty(env.DEVTRACE_JUDGE_MODEL) ?? "gpt-4o-mini",
      dockerHost: nonEmpty(env.DOCKER_HOST),
      testTimeoutSec: parseCount("DEVTRACE_TEST_TIMEOUT_SEC", env.DEVTRACE_TEST_TIMEOUT_SEC, 600),
      pullImages: env.DEVTRACE_PULL_IMAGES === "1",
      repoPolicy: repoPolicyOf(parseGlobList(env.DEVTRACE_REPO_ALLOW), isLoopback(parseListenAddress(values.listen ?? nonEmpty(env.DEVTRACE_LISTEN) ?? "127.0.0.1:50051").host)),
      judgeDeadlineSec: parseCount("DEVTRACE_JUDGE_DEADLINE_SEC", env.DEVTRACE_JUDGE_DEADLINE_SEC, 180),
      cpus: nonEmpty(env.DEVTRACE_QA_CPUS) === undefined ? undefined : parseCpus(env.DEVTRACE_QA_CPUS!),
    },
  };
  checkPlaintext(config);
  return { config, help: values.help ?? false };
}

function parse(argv: string[]) {
  return parseArgs({ args: argv, options: flags, strict: true, allowPositionals: false });
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : value;
}

/** DEVTRACE_REPO_ALLOW: glob patterns separated by commas or white space (commas inside {…} belong to the glob). */
function parseGlobList(raw: string | undefined): string[] | undefined {
  if (raw === undefined || raw.trim() === "") return undefined;
  return raw.split(/,(?![^{]*\})|\s+/).filter((p) => p !== "");
}

function parseCpus(raw: string): number {
  const n = Number(raw);
  if (!/^\d+(\.\d+)?$/.test(raw) || n <= 0) throw new UsageError(`DEVTRACE_QA_CPUS: expected a number of CPUs > 0, got "${raw}"`);
  return n;
}

function parseCount(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === "") return fallback;
  if (!/^\d+$/.test(raw)) throw new UsageError(`${name}: expected a whole number ≥ 0, got "${raw}"`);
  return Number(raw);
}

function optionalCount(name: string, raw: string | undefined): number | undefined {
  return raw === undefined || raw === "" ? undefined : parseCount(name, raw, 0);
}

/** Parses "host:port", "[v6]:port" or ":port" (all interfaces). */
export function parseListenAddress(raw: string): ListenAddress {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(raw);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) {
    throw new UsageError(`--listen: expected host:port (e.g. 127.0.0.1:50051), got "${raw}"`);
  }
  return { host: m[1] ?? (m[2] === "" ? "0.0.0.0" : m[2]), port };
}

/** True for addresses only this machine can reach. */
export function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function checkPlaintext(config: ServerConfig): void {
  if (config.tls || config.allowPlaintext || isLoopback(config.listen.host)) return;
  throw new UsageError(
    `--listen ${config.listen.host}: plaintext is served on loopback only; ` +
      "give --tls-cert/--tls-key, or --allow-plaintext when a TLS proxy sits in front",
  );
}
