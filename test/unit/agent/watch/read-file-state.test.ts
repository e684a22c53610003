import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { classifyBytes, readFileState, sha256Hex } from "../../../../agent/watch/read-file-state.js";
import { tempGitRepo } from "../../../helpers/temp-git-repo.js";

describe("classifyBytes()", () => {
  it.each([
    ["plain UTF-8", Buffer.from("héllo\n"), "text"],
    ["a NUL byte early on", Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x01]), "binary"],
    ["a NUL byte past the first 8000 bytes", Buffer.concat([Buffer.alloc(9000, 0x61), Buffer.from([0])]), "text"],
    ["Latin-1 bytes that are not UTF-8", Buffer.from([0x63, 0x61, 0x66, 0xe9]), "binary"],
    ["an empty file", Buffer.alloc(0), "text"],
  ])("classifies %s", (_name, bytes, kind) => {
    expect(classifyBytes(bytes, false).kind).toBe(kind);
  });

  it("keeps a byte-order mark in the content so diffs apply to the real bytes", () => {
    const state = classifyBytes(Buffer.from("\uFEFFx\n"), false);

    expect(state.kind === "text" && state.content).toBe("\uFEFFx\n");
    expect(state.kind === "text" && state.sha256).toBe(sha256Hex(Buffer.from("\uFEFFx\n")));
  });
});

describe("readFileState()", () => {
  it("reads text with its hash and executable bit", async () => {
    using repo = tempGitRepo();
    repo.write("run.sh", "#!/bin/sh\n");
    chmodSync(repo.path("run.sh"), 0o755);

    expect(await readFileState(repo.path("run.sh"), 1024)).toMatchObject({
      kind: "text",
      content: "#!/bin/sh\n",
      sha256: sha256Hex("#!/bin/sh\n"),
      size: 10,
      executable: true,
    });
  });

  it("reports a file over the limit as large without reading it", async () => {
    using repo = tempGitRepo();
    repo.write("big.txt", "x".repeat(2000));

    expect(await readFileState(repo.path("big.txt"), 1000)).toEqual({ kind: "large", size: 2000 });
  });

  it("reports missing paths, directories and symlinks as absent", async () => {
    using repo = tempGitRepo();
    mkdirSync(repo.path("dir"));
    writeFileSync(repo.path("target.txt"), "t\n");
    symlinkSync(repo.path("target.txt"), repo.path("link"));

    for (const p of ["nope.txt", "dir", "link"]) {
      expect(await readFileState(repo.path(p), 1000)).toEqual({ kind: "absent" });
    }
  });
});
