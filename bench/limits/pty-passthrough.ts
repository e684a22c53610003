/**
 * Part 7's terminal limit: the least a pty recorder must do. Opens $SHELL in a node-pty
 * and copies bytes both ways between it and this process's own terminal, nothing else.
 */
import { spawn } from "node-pty";

const shell = process.env.SHELL ?? "/bin/bash";
const p = spawn(shell, ["-i"], {
  name: process.env.TERM ?? "xterm-256color",
  cols: process.stdout.columns || 120,
  rows: process.stdout.rows || 40,
  cwd: process.cwd(),
  env: process.env,
  encoding: null,
});
if (process.stdin.isTTY) process.stdin.setRawMode(true);
process.stdin.on("data", (d: Buffer) => p.write(d));
p.onData((d: Buffer | string) => process.stdout.write(d));
process.stdout.on("resize", () => p.resize(process.stdout.columns, process.stdout.rows));
p.onExit(({ exitCode }) => process.exit(exitCode));
