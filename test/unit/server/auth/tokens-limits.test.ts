import { Code, ConnectError } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { PerTokenLimits } from "../../../../server/auth/per-token-limits.js";
import { hashToken, tokenMatchesHash } from "../../../../server/auth/token-hash.js";
import { newSecret, newTraceId } from "../../../../server/ids.js";

describe("hashToken() / tokenMatchesHash()", () => {
  it("stores a lower-case hex SHA-256 and matches only the same token", () => {
    const h = hashToken("abc");
    expect(h).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(tokenMatchesHash("abc", h)).toBe(true);
    expect(tokenMatchesHash("abd", h)).toBe(false);
    expect(tokenMatchesHash("", h)).toBe(false);
    expect(tokenMatchesHash("abc", "not-hex")).toBe(false);
  });
});

describe("newSecret() / newTraceId()", () => {
  it("makes distinct, prefixed 256-bit secrets", () => {
    const a = newSecret("upload");
    expect(a).toMatch(/^dtu_[A-Za-z0-9_-]{43}$/);
    expect(newSecret("api")).toMatch(/^dtk_/);
    expect(newSecret("upload")).not.toBe(a);
  });
  it("makes UUIDv7 ids that sort by creation time", () => {
    const early = newTraceId(new Date(1_700_000_000_000));
    const late = newTraceId(new Date(1_700_000_000_001));
    expect(early).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(early < late).toBe(true);
    expect(early.slice(0, 13)).toBe("018bcfe5-6800");
  });
});

describe("PerTokenLimits", () => {
  const exhausted = (fn: () => unknown) => {
    try {
      fn();
      return undefined;
    } catch (e) {
      expect((e as ConnectError).code).toBe(Code.ResourceExhausted);
      return (e as ConnectError).rawMessage;
    }
  };

  it("allows a burst, then the sustained rate, per token", () => {
    let now = 0;
    const limits = new PerTokenLimits({ requestsPerSecond: 10, burst: 2, clock: () => now });
    expect(exhausted(() => limits.admitCall("a"))).toBeUndefined();
    expect(exhausted(() => limits.admitCall("a"))).toBeUndefined();
    expect(exhausted(() => limits.admitCall("a"))).toContain("rate limit of 10/s (burst 2)");
    expect(exhausted(() => limits.admitCall("b"))).toBeUndefined();
    now += 100; // one token refilled at 10/s
    expect(exhausted(() => limits.admitCall("a"))).toBeUndefined();
    expect(exhausted(() => limits.admitCall("a"))).toBeDefined();
  });

  it("bounds open streams per token and frees a slot once, however often released", () => {
    const limits = new PerTokenLimits({ maxStreams: 2 });
    const r1 = limits.openStream("a");
    limits.openStream("a");
    expect(exhausted(() => limits.openStream("a"))).toContain("open stream limit of 2");
    r1();
    r1();
    expect(limits.openStreams("a")).toBe(1);
    expect(exhausted(() => limits.openStream("a"))).toBeUndefined();
    expect(exhausted(() => limits.openStream("a"))).toBeDefined();
  });

  it("does not limit when both bounds are 0", () => {
    const limits = new PerTokenLimits({ maxStreams: 0, requestsPerSecond: 0 });
    for (let i = 0; i < 1000; i++) {
      limits.admitCall("a");
      limits.openStream("a");
    }
    expect(limits.openStreams("a")).toBe(1000);
  });
});
