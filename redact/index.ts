export { createRedactor, Redactor, type RedactorOptions } from "./redactor.js";
export { redactEvent, type TextRedactor } from "./redact-event.js";
export { compileRedactPatterns, loadRedactPatterns, type RedactPattern } from "./redact-patterns-file.js";
export { redactionMarker, type SecretRange } from "./secret-range.js";
