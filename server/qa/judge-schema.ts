import { create } from "@bufbuild/protobuf";
import { DimensionScoreSchema, type DimensionScore } from "../../gen/devtrace/v1/qa_pb.js";
import { dimensionKeys, type DimensionKey } from "./rubric/rubric.js";

/** The judge's parsed answer. */
export interface JudgeAnswer {
  scores: Record<DimensionKey, DimensionScore>;
  summary: string;
}

const dimension = {
  type: "object",
  additionalProperties: false,
  // Order matters: models write properties in schema order, so the reasoning comes first.
  required: ["rationale", "score"],
  properties: {
    rationale: { type: "string", description: "Reasoning grounded in specific events of the trace, written before deciding the score." },
    score: { type: "integer", enum: [1, 2, 3, 4, 5], description: "1 (poor) to 5 (excellent), per the rubric anchors." },
  },
} as const;

/** The strict JSON schema of Structured Outputs the judge must answer with. */
export const judgeJsonSchema = {
  type: "object",
  additionalProperties: false,
  required: [...dimensionKeys, "summary"],
  properties: {
    ...Object.fromEntries(dimensionKeys.map((k) => [k, dimension])),
    summary: { type: "string", description: "Two or three sentences on the trace as a whole." },
  },
} as const;

/** Name of the schema in response_format. */
export const judgeSchemaName = "devtrace_judgement";

/** Parses and validates the judge's text; an error names the first thing wrong. */
export function parseJudgeAnswer(text: string): { value: JudgeAnswer } | { error: string } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    return { error: `not JSON: ${(err as Error).message}` };
  }
  if (!isObject(data)) return { error: "not a JSON object" };
  const scores = {} as Record<DimensionKey, DimensionScore>;
  for (const key of dimensionKeys) {
    const d = data[key];
    if (!isObject(d)) return { error: `${key} missing` };
    if (typeof d.rationale !== "string" || d.rationale.trim() === "") return { error: `${key}.rationale missing` };
    if (typeof d.score !== "number" || !Number.isInteger(d.score) || d.score < 1 || d.score > 5) return { error: `${key}.score must be an integer 1..5, got ${JSON.stringify(d.score)}` };
    scores[key] = create(DimensionScoreSchema, { rationale: d.rationale, score: d.score });
  }
  if (typeof data.summary !== "string") return { error: "summary missing" };
  return { value: { scores, summary: data.summary } };
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

/** Maps snake_case rubric keys onto JudgeResult's fields. */
export function camelScores<T>(scores: Record<(typeof dimensionKeys)[number], T>) {
  return {
    problemUnderstanding: scores.problem_understanding,
    investigationStrategy: scores.investigation_strategy,
    decisionRationale: scores.decision_rationale,
    useOfEvidence: scores.use_of_evidence,
    reproducibility: scores.reproducibility,
    safetyPrivacyAwareness: scores.safety_privacy_awareness,
  };
}
