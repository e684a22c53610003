import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dirname, "..", "..", "..", "..");

/** The driver: `devtrace shell`'s core (PtySession + attachTerminal), as a process of its own. */
const DRIVER = `
import { appendFileSync, writeFileSync } from "node:fs";
import { PtySession } from "./agent/shell/pty-session.js";
import { attachTerminal } from "./agent/shell/terminal-attach.js";
const [shell, commandsFile] = process.argv.slice(2);
writeFileSync(commandsFile + ".pid", String(process.pid));
const session = PtySession.start({ shell, env: process.env, cwd: process.cwd(), sessionId: "attach-test" });
session.onCommand((c) => appendFileSync(commandsFile, JSON.stringify(c) + "\\n"));
process.exitCode = await attachTerminal(session);
`;

/**
 * Compiles agent/shell into a directory under the package (so the scripts are found from the
 * package root, as from dist/) and writes the driver there. Returns the driver's path.
 */
export function buildAttachDriver(): { driver: string; dispose: () => void } {
  const out = join(root, "node_modules", ".cache", `devtrace-attach-${process.pid}`);
  mkdirSync(out, { recursive: true });
  const sources = ["pty-session.ts", "terminal-attach.ts"].map((f) => join(root, "agent", "shell", f));
  const tsc = join(root, "node_modules", ".bin", "tsc");
  const options = ["--ignoreConfig", "--outDir", out, "--rootDir", root, "--module", "nodenext", "--moduleResolution", "nodenext", "--target", "es2022"];
  execFileSync(tsc, [...options, "--skipLibCheck", "--types", "node", "--strict", ...sources], { cwd: root, stdio: "pipe" });
  const driver = join(out, "driver.mjs");
  writeFileSync(driver, DRIVER);
  return { driver, dispose: () => rmSync(out, { recursive: true, force: true }) };
}
