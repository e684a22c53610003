import { describe, expect, it } from "vitest";
import { eventFromSocketJson, repoPath } from "../../../../agent/local/editor-event.js";

const root = "/home/dev/shop";

describe("eventFromSocketJson()", () => {
  it("accepts the plugin example of the README and makes its absolute path relative", () => {
    const parsed = eventFromSocketJson(
      { sessionId: "vscode-1", time: "2026-03-01T09:30:00Z", fileOpened: { path: "/home/dev/shop/src/cart.py", language: "python" } },
      root,
      "editor",
    );
    expect(parsed).toHaveProperty("value");
    const event = (parsed as { value: import("../../../../gen/devtrace/v1/event_pb.js").Event }).value;
    expect(event.sessionId).toBe("vscode-1");
    expect(event.kind.case).toBe("fileOpened");
    expect(event.kind.value).toMatchObject({ path: "src/cart.py", language: "python" });
  });

  it("fills the session id and drops a client-chosen seq", () => {
    const parsed = eventFromSocketJson({ seq: "99", goToDefinition: { source: { path: "a.py", symbol: "total" }, target: { path: `${root}/b.py` } } }, root, "editor");
    const event = (parsed as { value: import("../../../../gen/devtrace/v1/event_pb.js").Event }).value;
    expect(event.seq).toBe(0n);
    expect(event.sessionId).toBe("editor");
    expect(event.kind.case === "goToDefinition" && event.kind.value.target?.path).toBe("b.py");
  });

  it.each([
    [{ fileOpened: { path: "/etc/passwd" } }, /not inside the repository/],
    [{ fileOpened: { path: "../x.py" } }, /not inside the repository/],
    [{ fileEdit: { path: "a.py" } }, /watcher/],
    [{ commitMade: { sha: "abc" } }, /watcher/],
    [{}, /no kind/],
    [{ fileOpened: { path: "a" }, bogus: 1 }, /not a devtrace.v1.Event/],
    [{ sessionId: "x".repeat(129), fileOpened: { path: "a" } }, /128 bytes/],
  ])("refuses %j", (json, message) => {
    const parsed = eventFromSocketJson(json as Record<string, unknown>, root, "editor");
    expect(parsed).toHaveProperty("error");
    expect((parsed as { error: { code: string; message: string } }).error.code).toBe("invalid_event");
    expect((parsed as { error: { message: string } }).error.message).toMatch(message);
  });
});

describe("repoPath()", () => {
  it.each([
    ["src/a.py", "src/a.py"],
    ["./src/a.py", "src/a.py"],
    [`${root}/src/a.py`, "src/a.py"],
  ])("%s → %s", (input, expected) => {
    expect(repoPath(input, root)).toBe(expected);
  });
});
