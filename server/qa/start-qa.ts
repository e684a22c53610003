import type { Logger } from "pino";
import type { TraceStore } from "../store/store.js";

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
}

/** Running QA workers; close() stops leasing, lets running jobs finish or releases them. */
export interface QaHandle {
  close(): Promise<void>;
}

/** Starts `options.workers` QA workers leasing jobs from the store. */
export async function startQa(store: TraceStore, options: QaOptions, logger: Logger): Promise<QaHandle> {
  // Replaced by the QA pipeline (issue 5); until then sealed traces stay QUEUED.
  logger.warn({ component: "qa", workers: options.workers, store: store.kind }, "QA pipeline not built yet");
  return { close: async () => {} };
}
