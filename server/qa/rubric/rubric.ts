/** One graded dimension: what it means and how to judge it (G-Eval style). */
export interface RubricDimension {
  /** Field name in the judge's output and in JudgeResult. */
  key: DimensionKey;
  title: string;
  criteria: string;
  /** Evaluation steps the judge follows before scoring. */
  steps: string[];
  /** What a 1, a 3 and a 5 look like. */
  anchors: { 1: string; 3: string; 5: string };
}

/** The six dimensions of SPEC.md, in the order the judge writes them. */
export const dimensionKeys = [
  "problem_understanding",
  "investigation_strategy",
  "decision_rationale",
  "use_of_evidence",
  "reproducibility",
  "safety_privacy_awareness",
] as const;

/** A dimension's key. */
export type DimensionKey = (typeof dimensionKeys)[number];

/** A versioned rubric: the version goes into every JudgeResult. */
export interface Rubric {
  version: string;
  dimensions: RubricDimension[];
}

/** Renders a rubric as the text the judge reads. */
export function rubricText(rubric: Rubric): string {
  return rubric.dimensions
    .map((d) =>
      [
        `### ${d.key} — ${d.title}`,
        d.criteria,
        "Evaluation steps:",
        ...d.steps.map((s, i) => `${i + 1}. ${s}`),
        `Score 1: ${d.anchors[1]}`,
        `Score 3: ${d.anchors[3]}`,
        `Score 5: ${d.anchors[5]}`,
      ].join("\n"),
    )
    .join("\n\n");
}
