import { describe, expect, it } from "vitest";
import { parseLocalRequest } from "../../../../agent/local/local-protocol.js";

describe("parseLocalRequest()", () => {
  it.each([
    ['{"v":1,"id":"1","type":"hello"}', { type: "hello", id: "1" }],
    ['{"v":1,"id":7,"type":"status"}', { type: "status", id: "7" }],
    ['{"v":1,"id":"n","type":"note","text":"the bug is in the tier boundary","tags":["hypothesis"]}', { type: "note", text: "the bug is in the tier boundary", tags: ["hypothesis"] }],
    ['{"v":1,"id":"n","type":"note","text":"x"}', { type: "note", tags: [] }],
    ['{"v":1,"id":"e","type":"event","event":{"fileOpened":{"path":"a.py"}},"record":3}', { type: "event", record: 3 }],
    ['{"v":1,"id":"a","type":"attach","sessionId":"s-1","shell":"bash","pid":42}', { type: "attach", sessionId: "s-1", shell: "bash", pid: 42 }],
    ['{"v":1,"id":"f","type":"finalize","timeoutMs":5000}', { type: "finalize", timeoutMs: 5000 }],
    ['{"v":1,"id":"s","type":"stop"}', { type: "stop" }],
  ])("accepts %s", (line, expected) => {
    const parsed = parseLocalRequest(line);
    expect(parsed).toHaveProperty("value");
    expect((parsed as { value: unknown }).value).toMatchObject(expected);
  });

  it.each([
    ["not json", "bad_request", undefined],
    ["[1,2]", "bad_request", undefined],
    ['{"v":2,"id":"1","type":"hello"}', "unsupported_version", "1"],
    ['{"id":"1","type":"hello"}', "unsupported_version", "1"],
    ['{"v":1,"type":"hello"}', "bad_request", undefined],
    ['{"v":1,"id":"1","type":"dance"}', "unknown_type", "1"],
    ['{"v":1,"id":"1","type":"note","text":"  "}', "bad_request", "1"],
    ['{"v":1,"id":"1","type":"note","text":"x","tags":[1]}', "bad_request", "1"],
    ['{"v":1,"id":"1","type":"event","event":"fileOpened"}', "bad_request", "1"],
    ['{"v":1,"id":"1","type":"event","event":{},"record":0}', "bad_request", "1"],
    ['{"v":1,"id":"1","type":"attach"}', "bad_request", "1"],
    ['{"v":1,"id":"1","type":"stop","timeoutMs":-1}', "bad_request", "1"],
  ])("refuses %s with %s", (line, code, id) => {
    const parsed = parseLocalRequest(line);
    expect(parsed).toHaveProperty("error");
    const { error } = parsed as { error: { code: string; id?: string } };
    expect(error.code).toBe(code);
    expect(error.id).toBe(id);
  });
});
