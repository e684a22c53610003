import { QaStatus } from "../../gen/devtrace/v1/qa_pb.js";

/** Why QA of a trace stopped, as a lower layer knows it. */
export type QaErrorKind = "patch_failed" | "repo_unavailable" | "image_not_found" | "docker_unavailable" | "judge_invalid" | "judge_unavailable" | "judge_timed_out";

/** An error of the QA pipeline a caller must tell apart; anything else is unexpected. */
export class QaError extends Error {
  constructor(
    readonly kind: QaErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "QaError";
  }
}

/** How the worker treats a failure: the QA status to record, and whether another attempt may help. */
export interface QaFailure {
  status: QaStatus;
  message: string;
  /** Retry the job (while attempts remain) instead of failing the trace now. */
  transient: boolean;
}

const byKind: Record<QaErrorKind, { status: QaStatus; transient: boolean }> = {
  patch_failed: { status: QaStatus.PATCH_FAILED, transient: false },
  repo_unavailable: { status: QaStatus.REPO_UNAVAILABLE, transient: false },
  image_not_found: { status: QaStatus.IMAGE_NOT_FOUND, transient: false },
  docker_unavailable: { status: QaStatus.DOCKER_UNAVAILABLE, transient: true },
  // Output that does not validate is recorded as an error, never retried into a pass.
  // No judge failure retries the job: that would run the tests again, and the judge's own
  // retries already ran inside the judging deadline. The tests stay recorded.
  judge_invalid: { status: QaStatus.JUDGE_FAILED, transient: false },
  judge_unavailable: { status: QaStatus.JUDGE_FAILED, transient: false },
  judge_timed_out: { status: QaStatus.JUDGE_TIMED_OUT, transient: false },
};

/** The one place where errors become QA statuses. */
export function classifyQaError(err: unknown): QaFailure {
  if (err instanceof QaError) return { ...byKind[err.kind], message: err.message };
  if (isDockerDown(err)) return { status: QaStatus.DOCKER_UNAVAILABLE, transient: true, message: `no Docker engine answered: ${messageOf(err)}` };
  return { status: QaStatus.ERROR, transient: true, message: messageOf(err) };
}

function isDockerDown(err: unknown): boolean {
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ECONNREFUSED" || code === "ENOENT" || code === "EACCES" || code === "ECONNRESET") return /docker|sock|connect/i.test(`${e.message}`);
  }
  return false;
}

/** The message of an error and its causes, joined, for QaResult.error. */
export function messageOf(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err; e !== undefined && parts.length < 4; e = e instanceof Error ? e.cause : undefined) {
    const m = e instanceof Error ? e.message : String(e);
    if (!parts.some((p) => p.includes(m))) parts.push(m);
  }
  return parts.join(": ");
}
