// Throughput of `cat` of a big file through a recorded PtySession (detection on) against bare
// node-pty running the same cat in bash, in the same run; 3 runs each, interleaved. Not a test:
//   npm run build && node test/integration/agent/shell/pty-throughput.mjs [MB=50]
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { writeFileSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "..");
const require = createRequire(join(root, "package.json"));
const pty = require("node-pty");
const { PtySession } = await import(join(root, "dist", "agent", "shell", "pty-session.js"));

const MB = Number(process.argv[2] ?? 50);
const dir = mkdtempSync(join(tmpdir(), "ptybench-"));
const file = join(dir, "big.txt");
{
  // Printable lines of 76 chars + \n, like a log.
  const chunk = randomBytes(57 * 1024 * 16).toString("base64").replace(/(.{76})/g, "$1\n");
  const parts = []; let size = 0;
  while (size < MB * 1e6) { parts.push(chunk); size += chunk.length; }
  writeFileSync(file, parts.join("").slice(0, MB * 1e6));
}
const size = statSync(file).size;
writeFileSync(join(dir, ".bashrc"), "PS1='bench$ '\n");
const env = { PATH: process.env.PATH, HOME: dir, TERM: "xterm-256color", LANG: "C.UTF-8" };

async function bare() {
  const p = pty.spawn("/bin/bash", ["--norc", "-i"], { cols: 120, rows: 40, cwd: dir, env: { ...env, PS1: "bench$ " }, encoding: null });
  let buf = ""; let bytes = 0; let t0 = 0; let cpu0;
  return await new Promise((resolve) => {
    let phase = "start";
    p.onData((d) => {
      if (phase === "start") {
        buf += d.toString("latin1");
        if (buf.includes("bench$ ")) { phase = "run"; buf = ""; cpu0 = process.cpuUsage(); t0 = performance.now(); p.write(`cat ${file}\r`); }
        return;
      }
      if (phase !== "run") return;
      bytes += d.length;
      // The prompt comes back after the whole file (plus the \r the pty adds per line).
      const tail = d.subarray(Math.max(0, d.length - 16)).toString("latin1");
      if (bytes > size && tail.endsWith("bench$ ")) {
        phase = "done";
        const ms = performance.now() - t0; const cpu = process.cpuUsage(cpu0);
        p.kill("SIGKILL");
        resolve({ ms, bytes, cpuMs: (cpu.user + cpu.system) / 1000 });
      }
    });
  });
}

async function session() {
  const s = PtySession.start({ shell: "/bin/bash", env, cwd: dir, sessionId: "bench", cols: 120, rows: 40 });
  let seen = ""; let bytes = 0;
  const ready = new Promise((resolve) => { const sub = s.onData((d) => { seen += Buffer.from(d).toString("latin1"); if (seen.includes("bench$ ")) { sub.dispose(); resolve(); } }); });
  await ready;
  s.onData((d) => { bytes += d.length; });
  const cpu0 = process.cpuUsage(); const t0 = performance.now();
  const cmd = new Promise((resolve) => s.onCommand(resolve));
  s.write(`cat ${file}\r`);
  const c = await cmd;
  const ms = performance.now() - t0; const cpu = process.cpuUsage(cpu0);
  await s.close();
  return { ms, bytes, cpuMs: (cpu.user + cpu.system) / 1000, outputBytes: c.outputBytes, cut: c.outputBytesCut };
}

const rows = [];
for (let i = 0; i < 3; i++) {
  for (const [name, fn] of i % 2 ? [["session", session], ["bare", bare]] : [["bare", bare], ["session", session]]) {
    const r = await fn();
    rows.push({ name, ...r, mbps: size / 1e6 / (r.ms / 1000) });
    console.log(name, JSON.stringify({ ...r, mbps: (size / 1e6 / (r.ms / 1000)).toFixed(1) }));
  }
}
const med = (n) => { const v = rows.filter((r) => r.name === n).map((r) => r.mbps).sort((a, b) => a - b); return v[Math.floor(v.length / 2)]; };
const medCpu = (n) => { const v = rows.filter((r) => r.name === n).map((r) => r.cpuMs).sort((a, b) => a - b); return v[Math.floor(v.length / 2)]; };
console.log(`file ${size} bytes; median bare ${med("bare").toFixed(1)} MB/s (node CPU ${medCpu("bare").toFixed(0)} ms), session ${med("session").toFixed(1)} MB/s (node CPU ${medCpu("session").toFixed(0)} ms); ratio session/bare = ${(med("session") / med("bare")).toFixed(2)}`);
rmSync(dir, { recursive: true, force: true });
process.exit(0);
