import { join } from "node:path";
import type { Logger } from "pino";
import type { EventRedactor } from "./intake/event-intake.js";
import { createRedactor, redactEvent } from "../redact/index.js";

/** The user's own redaction patterns (a JSON array, see redact/redact-patterns-file.ts); optional. */
export function redactPatternsFile(home: string): string {
  return join(home, ".config", "devtrace", "redact-patterns.json");
}

/** Redacts every event before it is spooled: secrets become [REDACTED:<rule>], the home directory "~". */
export async function createEventRedactor(home: string, logger: Logger): Promise<EventRedactor> {
  const redactor = await createRedactor({
    home,
    patternsFile: redactPatternsFile(home),
    patternsFileOptional: true,
    onWarning: (message) => logger.warn({ component: "redact" }, message),
  });
  return (event) => redactEvent(redactor, event);
}
