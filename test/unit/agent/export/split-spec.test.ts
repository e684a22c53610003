import { describe, expect, it } from "vitest";
import { parseSplitSpec, splitOf } from "../../../../agent/export/split-spec.js";

describe("parseSplitSpec()", () => {
  it("reads names and fractions", () => {
    expect(parseSplitSpec("train=0.9,validation=0.1")).toEqual([{ name: "train", fraction: 0.9 }, { name: "validation", fraction: 0.1 }]);
  });

  it.each([
    ["train=0.9", "add up to 0.9, not 1"],
    ["train=0.5,train=0.5", "appears twice"],
    ["train=0,test=1", 'fraction of "train" must be in (0, 1]'],
    ["train:0.9,test=0.1", '"train:0.9" is not NAME=FRACTION'],
    ["../x=1", '"../x=1" is not NAME=FRACTION'],
  ])("refuses %s precisely", (spec, message) => expect(() => parseSplitSpec(spec)).toThrow(message));
});

describe("splitOf()", () => {
  const shares = parseSplitSpec("train=0.8,validation=0.1,test=0.1");

  it("puts a key in the same split every time", () => {
    expect(splitOf("developer\0dev-7", shares)).toBe(splitOf("developer\0dev-7", shares));
  });

  it("shares 10 000 keys out close to the fractions", () => {
    const n = 10_000;
    const counts = new Map<string, number>();
    for (let i = 0; i < n; i++) counts.set(splitOf(`developer\0dev-${i}`, shares), (counts.get(splitOf(`developer\0dev-${i}`, shares)) ?? 0) + 1);
    expect(counts.get("train")! / n).toBeCloseTo(0.8, 1);
    expect(counts.get("validation")! / n).toBeCloseTo(0.1, 1);
    expect(counts.get("test")! / n).toBeCloseTo(0.1, 1);
  });
});
