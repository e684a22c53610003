import { pino } from "pino";
import type { DestinationStream, Logger } from "pino";

/** Options of createLogger(). */
export interface LoggerOptions {
  /** pino level; default "info". "silent" for tests that do not look at logs. */
  level?: string;
  /** Where lines go; default stdout. */
  destination?: DestinationStream;
}

/**
 * The server's root logger: JSON lines, one `component` child per part of the server.
 * Secrets never reach a line: anything that looks like a token field is redacted.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      name: "devtrace",
      level: options.level ?? "info",
      redact: {
        paths: ["token", "uploadToken", "upload_token", "authorization", "*.token", "*.uploadToken", "*.authorization"],
        censor: "[redacted]",
      },
    },
    options.destination ?? pino.destination(1),
  );
}
