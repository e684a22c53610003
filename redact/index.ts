export { createRedactor, Redactor, type RedactorOptions, type Redaction, type TextKind } from "./redactor.js";
export { redactEvent, type TextRedactor } from "./redact-event.js";
export { redactMessage, type DetailedRedactor, type RedactMessageOptions } from "./redact-message.js";
export { fieldPolicy, treatmentOf, type FieldTreatment } from "./field-policy.js";
export { RedactionTally, countMarkers } from "./redaction-tally.js";
export { stripUrlUserinfo } from "./repo-url.js";
export { compileRedactPatterns, loadRedactPatterns, type RedactPattern } from "./redact-patterns-file.js";
export { redactionMarker, type SecretRange } from "./secret-range.js";
