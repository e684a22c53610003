import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { acquireInstanceLock } from "../../../agent/state/instance-lock.js";

const lockFile = () => join(mkdtempSync(join(tmpdir(), "devtrace-lock-")), "agent.pid.lock");

/** A child node process that takes the lock (same code path) and prints "locked". */
function lockingChild(name: string, file: string) {
  const code = `
    const net = require("node:net");
    const s = net.createServer();
    s.on("error", () => { console.log("busy"); process.exit(0); });
    s.listen("\\0${name}", () => console.log("locked"));
  `;
  const child = spawn(process.execPath, ["-e", code], { stdio: ["ignore", "pipe", "inherit"] });
  const said = new Promise<string>((resolve) => child.stdout.once("data", (b: Buffer) => resolve(b.toString().trim())));
  void file;
  return { child, said };
}

describe("acquireInstanceLock()", () => {
  it("hands the lock to one holder at a time", async () => {
    const name = `devtrace-test-${randomUUID()}`;
    const file = lockFile();
    const first = await acquireInstanceLock(name, file);
    expect(first).toBeDefined();
    expect(await acquireInstanceLock(name, file)).toBeUndefined();
    await first!.release();
    const again = await acquireInstanceLock(name, file);
    expect(again).toBeDefined();
    await again!.release();
    rmSync(join(file, ".."), { recursive: true, force: true });
  });

  it.runIf(process.platform === "linux")("is free again the moment its holder is killed with SIGKILL", async () => {
    const name = `devtrace-test-${randomUUID()}`;
    const file = lockFile();
    const { child, said } = lockingChild(name, file);
    expect(await said).toBe("locked");
    expect(await acquireInstanceLock(name, file)).toBeUndefined();
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGKILL");
    await exited;
    const mine = await acquireInstanceLock(name, file);
    expect(mine).toBeDefined();
    await mine!.release();
    rmSync(join(file, ".."), { recursive: true, force: true });
  });
});
