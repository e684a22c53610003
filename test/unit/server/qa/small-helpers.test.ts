import { describe, expect, it } from "vitest";
import { BoundedText, boundString } from "../../../../server/qa/bounded-text.js";
import { parsePasswd, pickRunUser, rootUser } from "../../../../server/qa/image-user.js";
import { maskInText, maskUrl } from "../../../../server/qa/mask-url.js";

describe("BoundedText", () => {
  it("keeps everything that fits", () => {
    const b = new BoundedText(100);
    b.write(Buffer.from("hello "));
    b.write(Buffer.from("world"));
    expect(b.result()).toEqual({ text: "hello world", bytesCut: 0 });
  });

  it("keeps the head and the tail and counts the bytes cut", () => {
    const b = new BoundedText(10);
    for (const part of ["HEAD-", "x".repeat(1000), "-TAIL"]) b.write(Buffer.from(part));
    const r = b.result();
    expect(r.bytesCut).toBe(1010 - 10);
    expect(r.text.startsWith("HEAD-")).toBe(true);
    expect(r.text.endsWith("-TAIL")).toBe(true);
    expect(r.text).toContain("1000 bytes cut");
  });

  it("cuts strings for prompts the same way", () => {
    expect(boundString("abcdefghij", 4)).toMatch(/^ab\n.*6 chars cut.*\nij$/s);
    expect(boundString("abc", 4)).toBe("abc");
  });
});

describe("maskUrl()", () => {
  it.each([
    ["https://alice:ghp_secret@github.com/o/r.git", "https://***@github.com/o/r.git"],
    ["https://token@example.com/r", "https://***@example.com/r"],
    ["https://example.com/r.git?private_token=abc&x=1", "https://example.com/r.git?private_token=***&x=1"],
    ["/srv/repos/sample", "/srv/repos/sample"],
    ["git@github.com:o/r.git", "git@github.com:o/r.git"],
  ])("masks %s", (url, masked) => {
    expect(maskUrl(url)).toBe(masked);
  });

  it("masks the URL wherever git's message repeats it", () => {
    const url = "https://bob:pw@host/r";
    expect(maskInText(`fatal: unable to access '${url}/': Could not resolve host`, url)).toBe("fatal: unable to access 'https://***@host/r/': Could not resolve host");
  });
});

describe("pickRunUser()", () => {
  const passwd = "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1::/:/usr/sbin/nologin\nrunner:x:1000:1000::/home/runner:/bin/sh\nnobody:x:65534:65534::/:/usr/sbin/nologin\n";

  it("picks the image's ordinary account when USER is unset", () => {
    expect(pickRunUser("", parsePasswd(passwd))).toEqual({ name: "runner", uid: 1000, gid: 1000 });
  });

  it("honours a non-root USER of the image", () => {
    expect(pickRunUser("daemon", parsePasswd(passwd))).toEqual({ name: "daemon", uid: 1, gid: 1 });
    expect(pickRunUser("4242:4343", [])).toEqual({ name: "4242", uid: 4242, gid: 4343 });
  });

  it("falls back on root when the image has no other account", () => {
    expect(pickRunUser("", parsePasswd("root:x:0:0:root:/root:/bin/sh\n"))).toEqual(rootUser);
  });
});
