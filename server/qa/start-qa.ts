import { randomBytes } from "node:crypto";
import { availableParallelism, hostname } from "node:os";
import type { Logger } from "pino";
import type { TraceStore } from "../store/store.js";
import type { ContainerLimits } from "./container-spec.js";
import { sweepContainers } from "./container-sweep.js";
import { dockerClient } from "./docker-client.js";
import { DockerTestRunner } from "./docker-test-runner.js";
import { GitWorkspace } from "./git-workspace.js";
import { HeuristicJudge } from "./heuristic-judge.js";
import type { Judge } from "./judge.js";
import { OpenAiJudge } from "./openai-judge.js";
import { QaWorker } from "./qa-worker.js";
import { describeRepoPolicy, loopbackRepoPolicy, type RepoPolicy } from "./repo-policy.js";
import type { QaDeps } from "./run-qa.js";

/** Settings of the QA pipeline; server/config.ts fills them from flags and env. */
export interface QaOptions {
  /** In-process workers (`--workers N`); 0 runs none. Default 1. */
  workers: number;
  /** OPENAI_API_KEY; unset → the deterministic heuristic judge, labelled as such. */
  openaiApiKey?: string;
  /** OPENAI_BASE_URL; any OpenAI-compatible server. */
  openaiBaseUrl?: string;
  /** DEVTRACE_JUDGE_MODEL, default "gpt-4o-mini". */
  judgeModel: string;
  /** DOCKER_HOST as Docker's own clients read it; unset → the local socket. */
  dockerHost?: string;
  /** Wall-clock limit of one test run in seconds. Default 600. */
  testTimeoutSec: number;
  /** Pull a missing test image instead of failing with IMAGE_NOT_FOUND. Default false. */
  pullImages: boolean;
  /** Lease of a QA job; a worker that dies loses its job after this long. Default 30 000 ms. */
  leaseMs?: number;
  /** Attempts of a QA job before its trace is FAILED. Default 3. */
  maxAttempts?: number;
  /** Poll interval of an idle worker. Default 500 ms. */
  pollMs?: number;
  /** Container limits; defaults: 1 GiB memory, defaultRunCpus(host cores), 256 pids, 256 MiB /tmp, 1 GiB /work. */
  limits?: Partial<ContainerLimits>;
  /** Where repositories are cloned; default the OS temp dir. */
  tmpDir?: string;
  /** Total time for judging one trace, all retries included (DEVTRACE_JUDGE_DEADLINE_SEC). Default 180. */
  judgeDeadlineSec?: number;
  /** Traces one worker may be judging while it runs the next trace's tests. Default 4. */
  maxJudging?: number;
  /** What QA may clone (DEVTRACE_REPO_ALLOW); default loopbackRepoPolicy. Checked again before every clone. */
  repoPolicy?: RepoPolicy;
  /** CPUs of one test container (DEVTRACE_QA_CPUS); default: the host's cores shared by two runs, minus room for the server. */
  cpus?: number;
}

/** Running QA workers; close() stops leasing, lets running jobs finish or releases them. */
export interface QaHandle {
  close(): Promise<void>;
  /** A job was just queued in this process: idle workers look now instead of at their next poll. */
  wake(): void;
}

/**
 * Starts `options.workers` QA workers leasing jobs from the store. First removes QA
 * containers a crashed process of this host left behind. Call close() before closing the store.
 */
export async function startQa(store: TraceStore, options: QaOptions, logger: Logger): Promise<QaHandle> {
  const log = logger.child({ component: "qa" });
  if (options.workers <= 0) return { close: async () => {}, wake: () => {} };
  const policy = options.repoPolicy ?? loopbackRepoPolicy;
  (policy.ownLocalPaths ? log.warn.bind(log) : log.info.bind(log))({ repoPolicy: policy }, describeRepoPolicy(policy));
  const docker = dockerClient(options.dockerHost);
  await sweepContainers(docker, log).catch((err: unknown) => {
    log.warn({ err }, "no Docker engine answered at start-up; QA runs fail with DOCKER_UNAVAILABLE until one does");
  });
  const runner = new DockerTestRunner(docker, logger.child({ component: "qa-runner" }), { timeoutMs: options.testTimeoutSec * 1000, pullImages: options.pullImages, limits: { ...(options.cpus ? { nanoCpus: Math.round(options.cpus * 1e9) } : {}), ...options.limits } }, availableParallelism());
  const deps: QaDeps = {
    workspace: new GitWorkspace(logger.child({ component: "qa-workspace" }), { tmpDir: options.tmpDir, policy: options.repoPolicy ?? loopbackRepoPolicy }),
    runner,
    judge: makeJudge(options, logger),
    judgeDeadlineMs: (options.judgeDeadlineSec ?? 180) * 1000,
    testTimeoutMs: options.testTimeoutSec * 1000,
  };
  return startWorkers(store, deps, options, log);
}

function makeJudge(options: QaOptions, logger: Logger): Judge {
  const log = logger.child({ component: "qa-judge" });
  if (!options.openaiApiKey) {
    log.warn("OPENAI_API_KEY is not set: traces are scored by the offline heuristic judge (labelled heuristic in each result)");
    return new HeuristicJudge();
  }
  return new OpenAiJudge({ apiKey: options.openaiApiKey, baseUrl: options.openaiBaseUrl, model: options.judgeModel || "gpt-4o-mini" }, log);
}

/** Starts workers over given I/O edges; startQa wires the real ones. */
export function startWorkers(store: TraceStore, deps: QaDeps, options: Pick<QaOptions, "workers" | "leaseMs" | "maxAttempts" | "pollMs" | "maxJudging">, logger: Logger): QaHandle {
  const instance = `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;
  const workers = Array.from({ length: options.workers }, (_, i) => {
    const w = new QaWorker(store, deps, { workerId: `${instance}:${i}`, leaseMs: options.leaseMs ?? 30_000, maxAttempts: options.maxAttempts ?? 3, pollMs: options.pollMs ?? 500, maxJudging: options.maxJudging }, logger);
    w.start();
    return w;
  });
  logger.info({ workers: workers.length, store: store.kind }, "QA workers started");
  return { close: async () => void (await Promise.all(workers.map((w) => w.close()))), wake: () => workers.forEach((w) => w.wake()) };
}
