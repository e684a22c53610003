import { describe, expect, it } from "vitest";
import { renderTable } from "../../../../agent/format/table.js";

describe("renderTable()", () => {
  it("never lets a cell's control bytes reach the terminal", () => {
    const hostile = "ls\x1b]0;pwned\x07\x1b[2J\x9b31m done";
    const text = renderTable([{ v: hostile }], [{ header: "command", cell: (r) => r.v, max: 200 }]);
    expect(text).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/);
    expect(text.split("\n")[1]).toBe("ls\uFFFD]0;pwned\uFFFD\uFFFD[2J\uFFFD31m done");
  });
});
