import type { Logger } from "pino";

/**
 * Runs one Docker API call, logging what it does (with the container id when there is
 * one) and rethrowing a failure as an Error naming the call, with the original as cause.
 */
export async function dockerCall<T>(logger: Logger, what: string, context: Record<string, unknown>, call: () => Promise<T>): Promise<T> {
  logger.debug(context, `docker ${what}`);
  try {
    return await call();
  } catch (err) {
    logger.warn({ ...context, err }, `docker ${what} failed`);
    throw new Error(`docker ${what} failed: ${(err as Error).message ?? String(err)}`, { cause: err });
  }
}

/** The HTTP status Docker answered with, when the error came from the Engine API. */
export function dockerStatus(err: unknown): number | undefined {
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    const code = (e as { statusCode?: unknown }).statusCode;
    if (typeof code === "number") return code;
  }
  return undefined;
}
