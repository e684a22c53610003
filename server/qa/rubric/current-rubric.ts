import type { Rubric } from "./rubric.js";
import { rubricV1 } from "./rubric-v1.js";

/** The rubric new judgements use. */
export const currentRubric: Rubric = rubricV1;
