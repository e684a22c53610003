import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { spawnServer } from "../../helpers/server-process.js";

const mode = (p: string) => (statSync(p).mode & 0o777).toString(8);

describe("devtrace server and its data directory", () => {
  it("refuses a second server on a data directory in use, naming the pid; takes it over after a kill -9", { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "devtrace-lock-"));
    try {
      const first = await spawnServer({ dataDir: dir });
      const second = await spawnServer({ dataDir: dir }).then(
        async (p) => (await p[Symbol.asyncDispose](), "started"),
        (e: Error) => e.message,
      );
      expect(second).toContain(`in use by another devtrace server (pid ${first.child.pid})`);
      expect(second).toMatch(/server exited \(1\)/);
      // The first one was not disturbed.
      expect(first.child.exitCode).toBeNull();
      await first.stop("SIGKILL");
      await using third = await spawnServer({ dataDir: dir });
      expect(third.child.exitCode).toBeNull();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("keeps the data directory 0700 and every file in it 0600, even when created open", { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "devtrace-perm-"));
    try {
      chmodSync(dir, 0o755);
      writeFileSync(join(dir, "notes.txt"), "left by the operator", { mode: 0o644 });
      const old = process.umask(0o022);
      try {
        await using srv = await spawnServer({ dataDir: dir });
        const files = readdirSync(dir);
        expect(files).toEqual(expect.arrayContaining(["devtrace.sqlite", "devtrace.sqlite-wal", "credentials.json", "server.lock"]));
        expect(mode(dir)).toBe("700");
        expect(Object.fromEntries(files.map((f) => [f, mode(join(dir, f))]))).toEqual(Object.fromEntries(files.map((f) => [f, "600"])));
        expect(srv.child.exitCode).toBeNull();
      } finally {
        process.umask(old);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
