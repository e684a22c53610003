/**
 * Redaction throughput on what the agent redacts: long command outputs and diffs.
 *
 *   node dist/bench/redact-throughput.js [--mb 5] [--rounds 3]
 *
 * Prints MB/s of Redactor.redact() on clean text (build logs, code), on secret-dense
 * text (a secret every ~250 bytes) and on small command lines, next to a single
 * lintSource() pass of secretlint over the same text (its raw speed, the limit the
 * prefilter chases on clean text). Target: clean ≥ 50 MB/s, so a 5 MB output costs
 * < 100 ms; dense text stays linear (no quadratic blow-up).
 */
import { parseArgs } from "node:util";
import { lintSource } from "@secretlint/core";
import { creator as preset } from "@secretlint/secretlint-rule-preset-recommend";
import { Redactor } from "../redact/redactor.js";

const { values } = parseArgs({ options: { mb: { type: "string", default: "5" }, rounds: { type: "string", default: "3" } } });
const bytes = Number(values.mb) * 1024 * 1024;
const rounds = Number(values.rounds);

let seed = 1;
function rand(alphabet: string, n: number): string {
  let out = "";
  for (let i = 0; i < n; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    out += alphabet[seed % alphabet.length];
  }
  return out;
}
const an = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

const cleanLines = [
  "src/server/rpc/stream-events.ts:118:7 - error TS2345: Argument of type 'string' is not assignable to parameter of type 'bigint'.",
  "    at processTicksAndRejections (node:internal/process/task_queues:95:5) commit 3f9c2e1b7a4d5c6e8f90a1b2c3d4e5f6a7b8c9d0",
  "+  const digest = createHash('sha256').update(buf).digest('base64'); // 9f86d081884c7d659a2feaa0c55ad015",
  'PASSED tests/test_parser.py::test_roundtrip[case-17] 0.02s  request_id=6f1c2a9e-4b7d-4e0a-9c3b-2d8e7f6a5b4c',
  "npm notice integrity: sha512-Wq0lWbC2b0E1VlKsT1h2eN3l5m0s0kYt2Q9c6z4F8b1d0A7e5C3x9V2n4M6k8J0h1G3f5D7s9A==",
];

function build(make: () => string): string {
  const parts: string[] = [];
  let n = 0;
  while (n < bytes) {
    const s = make();
    parts.push(s);
    n += s.length + 1;
  }
  return parts.join("\n");
}

let i = 0;
const clean = build(() => cleanLines[i++ % cleanLines.length] ?? "");
const dense = build(() => {
  const k = i++ % 6;
  if (k === 0) return `export GITHUB_TOKEN=${"gh"}p_${rand(an, 36)}`;
  if (k === 1) return `aws_secret${"_access"}_key = ${rand(an, 40)}`;
  if (k === 2) return `curl -H "Authorization: Bearer ${rand(an, 40)}" https://api.acme.io/v1/items`;
  if (k === 3) return `git clone https://deploy:${rand(an, 14)}@git.acme-corp.io/app.git`;
  if (k === 4) return `${"xo"}xb-${rand("0123456789", 12)}-${rand("0123456789", 12)}-${rand(an, 24)}`;
  return cleanLines[k % cleanLines.length] ?? "";
});

const config = { rules: [{ id: preset.meta.id, rule: preset }] };
async function lintOnce(text: string): Promise<void> {
  await lintSource({ source: { content: text, filePath: "", ext: ".txt", contentType: "text" }, options: { config } });
}

async function measure(name: string, text: string, fn: (t: string) => Promise<unknown>): Promise<number> {
  await fn(text.slice(0, 64 * 1024)); // warm up
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    await fn(text);
    best = Math.min(best, performance.now() - t0);
  }
  const mbs = text.length / 1024 / 1024 / (best / 1000);
  console.log(`${name.padEnd(44)} ${(text.length / 1024 / 1024).toFixed(1)} MB  ${best.toFixed(0).padStart(6)} ms  ${mbs.toFixed(1).padStart(7)} MB/s`);
  return mbs;
}

const redactor = new Redactor({ home: "/home/ann" });
const cleanMbs = await measure("redact(): clean text", clean, (t) => redactor.redact(t));
await measure("lintSource() alone: clean text", clean, lintOnce);
const denseMbs = await measure("redact(): secret-dense text", dense, (t) => redactor.redact(t));
await measure("redact(): secret-dense, no prefilter", dense, (t) => new Redactor({ prefilter: false }).redact(t));

const commands = Array.from({ length: 20_000 }, (_, k) => (k % 10 === 0 ? `export API_KEY=${rand(an, 32)}` : `git diff --stat HEAD~${k % 7}`));
const t0 = performance.now();
for (const c of commands) await redactor.redact(c);
const perCall = ((performance.now() - t0) * 1000) / commands.length;
console.log(`${"redact(): 20k command lines".padEnd(44)} ${perCall.toFixed(1)} µs per call`);
console.log(`clean ${cleanMbs >= 50 ? "meets" : "MISSES"} the 50 MB/s target (${(cleanMbs / 50).toFixed(2)}x); dense ${denseMbs.toFixed(1)} MB/s`);

// Hostile text (issue #10): one long line that repeats what a rule keys on. Each must stay
// linear: its speed is printed as a ratio to clean text of the same size (limit: ≥ 0.05).
const hostileMb = Math.min(1, Number(values.mb));
const hostile: Record<string, string> = {
  "mysql mysql …": "mysql ",
  "password=password=…": "password=",
  "set token set token …": "set token ",
  "machine h login u …": "machine h login u ",
  "BEGIN PRIVATE KEY …": "-----BEGIN RSA PRIVATE KEY-----\n",
  "random tokens": "Ab1Cd2Ef3Gh4Ij5Kl6 ",
};
const size = hostileMb * 1024 * 1024;
const cleanPart = clean.slice(0, size);
const base = await measure(`redact(): clean, ${hostileMb} MB (for the ratios)`, cleanPart, (t) => redactor.redact(t, { prose: true }));
for (const [name, unit] of Object.entries(hostile)) {
  const mbs = await measure(`redact(): hostile "${name}"`, unit.repeat(Math.ceil(size / unit.length)), (t) => redactor.redact(t, { prose: true }));
  console.log(`  ratio to clean ${(mbs / base).toFixed(2)} ${mbs / base >= 0.05 ? "ok" : "TOO SLOW (super-linear?)"}`);
}
