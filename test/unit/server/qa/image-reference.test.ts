import { describe, expect, it } from "vitest";
import { imageReferenceProblem } from "../../../../server/qa/image-reference.js";

describe("imageReferenceProblem()", () => {
  it.each(["devtrace/sample-python:1", "python:3.12-slim", "ghcr.io/org/img:v1.2", "localhost:5000/a/b", `img@sha256:${"a".repeat(64)}`, `sha256:${"0".repeat(64)}`])("accepts %s", (image) => {
    expect(imageReferenceProblem(image)).toBeUndefined();
  });

  it.each([
    ["", /empty/],
    ["images", undefined],
    ["../../containers/json", /not a Docker image reference/],
    ["a//b", /not a Docker image reference/],
    ["Upper/Case", /not a Docker image reference/],
    ["img:tag with space", /not a Docker image reference/],
    ["-rm", /not a Docker image reference/],
    ["img\n:1", /\\x0a/],
    ["a".repeat(600), /over the 512 limit/],
  ])("%j → %s", (image, problem) => {
    if (problem === undefined) expect(imageReferenceProblem(image)).toBeUndefined();
    else expect(imageReferenceProblem(image)).toMatch(problem);
  });
});
