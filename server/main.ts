import { userInfo } from "node:os";
import type { Logger } from "pino";
import { ensureCredentials } from "./auth/first-run.js";
import { UsageError, loadServerConfig, serverUsage } from "./config.js";
import type { ServerConfig } from "./config.js";
import { DataDirInUseError, lockDataDir, securePermissions } from "./data-dir.js";
import type { DataDirLock } from "./data-dir.js";
import { createLogger } from "./logger.js";
import { listen } from "./net/listen.js";
import { describeRepoPolicy } from "./qa/repo-policy.js";
import { startQa } from "./qa/start-qa.js";
import type { QaHandle } from "./qa/start-qa.js";
import { buildServer } from "./server.js";
import { openStore } from "./store/open-store.js";
import type { TraceStore } from "./store/store.js";

/** `devtrace server`: serves until SIGTERM/SIGINT, then shuts down gracefully. Returns the exit status. */
export async function runServerCommand(argv: string[]): Promise<number> {
  const config = parseOrExit(argv);
  if (typeof config === "number") return config;
  const logger = createLogger({ level: config.logLevel });
  let lock: DataDirLock;
  try {
    securePermissions(config.dataDir);
    lock = lockDataDir(config.dataDir);
  } catch (err) {
    if (!(err instanceof DataDirInUseError)) throw err;
    logger.fatal({ dataDir: err.dir, pid: err.pid }, err.message);
    console.error(`devtrace: ${err.message}`);
    return 1;
  }
  let store: TraceStore;
  try {
    store = await openStore({ dataDir: config.dataDir, mongoUrl: config.mongoUrl, logger });
  } catch (err) {
    lock.release();
    throw err;
  }
  let qa: QaHandle | undefined;
  try {
    const creds = await ensureCredentials({
      store,
      dataDir: config.dataDir,
      logger,
      envToken: config.envToken,
      developerId: localUser(),
    });
    const server = buildServer({ store, logger, limits: limitsOf(config), onSealed: () => qa?.wake(), repoPolicy: config.qa.repoPolicy });
    qa = await startQa(store, config.qa, logger);
    const listener = await listen(server.handler, { ...config.listen, tls: config.tls, limits: config.connections, logger });
    logger.info(
      { url: listener.url, store: store.kind, tls: config.tls !== undefined, workers: config.qa.workers },
      `devtrace server listening on ${listener.url}`,
    );
    if (creds?.created) console.error(firstRunBanner(creds.file, listener.url, config));
    const signal = await untilSignal();
    logger.info({ signal }, "shutting down: finishing calls in flight");
    listener.stopAccepting();
    const clean = await server.shutdown(config.shutdownTimeoutMs);
    if (!clean) logger.warn({ inFlight: server.drain.inFlight }, "shutdown timeout: ending calls still in flight");
    await listener.close(clean ? 1000 : 0);
    return 0;
  } finally {
    try {
      await closeAll(logger, qa, store);
    } finally {
      lock.release();
    }
  }
}

/** `devtrace worker`: QA workers only, against a shared MongoDB, until SIGTERM/SIGINT. */
export async function runWorkerCommand(argv: string[]): Promise<number> {
  const config = parseOrExit(argv);
  if (typeof config === "number") return config;
  if (!config.mongoUrl) {
    console.error("devtrace worker: --mongo-url (or DEVTRACE_MONGO_URL) is required: workers share one MongoDB");
    return 2;
  }
  const logger = createLogger({ level: config.logLevel });
  const store = await openStore({ dataDir: config.dataDir, mongoUrl: config.mongoUrl, logger });
  let qa: QaHandle | undefined;
  try {
    qa = await startQa(store, config.qa, logger);
    logger.info({ workers: config.qa.workers, store: store.kind }, "devtrace worker running");
    const signal = await untilSignal();
    logger.info({ signal }, "worker shutting down");
    return 0;
  } finally {
    await closeAll(logger, qa, store);
  }
}

function parseOrExit(argv: string[]): ServerConfig | number {
  try {
    const { config, help } = loadServerConfig(argv);
    if (help) {
      console.log(serverUsage);
      return 0;
    }
    return config;
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(`devtrace: ${err.message}\n\n${serverUsage}`);
    return 2;
  }
}

/** Plain words for the person who just ran `npm start` for the first time (stderr, next to the JSON logs). */
function firstRunBanner(file: string, url: string, config: ServerConfig): string {
  return [
    "",
    "  devtrace: first run. Tokens for every role are in",
    `    ${file}   (mode 0600; only their hashes are in the store)`,
    "  Record traces with the ingest token:",
    `    export DEVTRACE_SERVER=${url}`,
    `    export DEVTRACE_TOKEN=$(node -p 'require("${file}").ingest_token')`,
    "  Researchers use read_token; admin_token may delete any trace.",
    ...(config.qa.repoPolicy?.ownLocalPaths ? ["", `  ⚠ ${describeRepoPolicy(config.qa.repoPolicy)}.`] : []),
    "",
  ].join("\n");
}

function limitsOf(config: ServerConfig) {
  return { maxStreams: config.limits.maxStreamsPerToken, requestsPerSecond: config.limits.requestsPerSecond };
}

function localUser(): string {
  try {
    return userInfo().username || "developer";
  } catch {
    // No passwd entry (some containers): any stable name will do.
    return "developer";
  }
}

function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (s: NodeJS.Signals) => {
      process.off("SIGTERM", on);
      process.off("SIGINT", on);
      resolve(s);
    };
    process.on("SIGTERM", on);
    process.on("SIGINT", on);
  });
}

async function closeAll(logger: Logger, qa: QaHandle | undefined, store: TraceStore): Promise<void> {
  try {
    await qa?.close();
  } finally {
    await store.close();
    logger.info("store closed");
  }
}
