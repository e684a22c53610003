import { describe, expect, it } from "vitest";
import { digestEvents } from "../../../../server/qa/trace-digest.js";
import { eventOfKind, thoughtEvent } from "../../../helpers/trace-events.js";

describe("digestEvents()", () => {
  it("tells the judge an event was lost by the recorder, ranked least telling", () => {
    const lost = eventOfKind(2, { case: "recordLost", value: { reason: "a damaged record in segment-00000000000000000001.log" } });
    const items = digestEvents([thoughtEvent(1), lost], "pytest");
    expect(items.map((i) => i.seq)).toEqual([1n, 2n]);
    expect(items[1]?.short).toMatch(/#2 .*LOST EVENT \(the recorder's journal lost it: a damaged record in segment-0+1\.log\)/);
    expect(items[1]?.priority).toBe(5);
  });
});
