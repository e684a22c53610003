#!/usr/bin/env node
// `npm run demo [-- --fix fix-correct|fix-partial|fix-breaks-other]`: the whole devtrace story on one
// machine with Docker. Starts `devtrace server` on the embedded store, records a scripted bug-fix
// session on a copy of sample_repo/ through the RPCs, finalizes it, follows QA live with
// WatchTrace and prints the scored trace. Then times two bare `docker run`s of the same
// test command for comparison. `--server URL` records into a server that already runs (such
// as `npm start`'s, whose workbench then shows the trace) instead of a temporary one.
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { preflight, sampleImage } from "./preflight.mjs";
import { prepareCheckout, sessionEvents } from "./demo-session.mjs";
import { renderTrace } from "./print-trace.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const fixArg = process.argv.indexOf("--fix");
const fix = fixArg > 0 ? process.argv[fixArg + 1] : "fix-correct";
const serverArg = process.argv.indexOf("--server");
const serverUrl = serverArg > 0 ? process.argv[serverArg + 1] : undefined;
const testCommand = "python3 -m pytest -q";
const say = (s = "") => process.stdout.write(`${s}\n`);

async function startServer(dataDir) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("DEVTRACE_")));
  const child = spawn(process.execPath, [join(root, "dist", "agent", "cli.js"), "server", "--listen", "127.0.0.1:0", "--data-dir", dataDir, "--workers", "1"], { env: { ...env, DEVTRACE_LOG_LEVEL: "info" }, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  const url = await new Promise((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`the server did not start:\n${out}`)), 30_000);
    const onData = (b) => {
      out += b.toString();
      const m = /devtrace server listening on (https?:\/\/[^\s"]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        res(m[1]);
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.once("exit", (code) => rej(new Error(`the server exited (${code}):\n${out}`)));
  });
  return { child, url, stop: () => new Promise((r) => (child.exitCode !== null ? r() : (child.once("exit", r), child.kill("SIGTERM")))) };
}

/** A server that already runs: its ingest token from DEVTRACE_TOKEN or its first-run credentials. */
function runningServer(url) {
  const dataDir = resolve(process.env.DEVTRACE_DATA_DIR ?? join(root, "data"));
  const token = process.env.DEVTRACE_TOKEN ?? JSON.parse(readFileSync(join(dataDir, "credentials.json"), "utf8")).ingest_token;
  return { url: url.replace(/[/]+$/, ""), token, dataDir, stop: async () => {} };
}

function bareDockerRuns(dir) {
  const args = ["run", "--rm", "--network", "none", "-u", "1000", "-e", "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "-v", `${dir}:/repo:ro`, "-w", "/repo", sampleImage, "sh", "-c", `${testCommand} -p no:cacheprovider`];
  const started = Date.now();
  for (let i = 0; i < 2; i++) {
    try {
      execFileSync("docker", args, { stdio: "ignore" });
    } catch {
      // Failing tests exit non-zero; only the time matters here.
    }
  }
  return Date.now() - started;
}

async function main() {
  const problems = await preflight(root);
  if (problems.length) {
    say("devtrace demo cannot run yet:\n");
    for (const p of problems) say(`• ${p}\n`);
    return 1;
  }
  const { createClient } = await import("@connectrpc/connect");
  const { createGrpcTransport } = await import("@connectrpc/connect-node");
  const { TraceService } = await import(join(root, "dist", "gen", "devtrace", "v1", "trace_service_pb.js"));
  const checkout = prepareCheckout(root, fix);
  let server;
  if (serverUrl) {
    server = runningServer(serverUrl);
    say(`1. Recording into the running server at ${server.url} …`);
  } else {
    const dataDir = mkdtempSync(join(tmpdir(), "devtrace-demo-data-"));
    say(`1. Starting devtrace server on the embedded store (data in ${dataDir}) …`);
    const started = await startServer(dataDir);
    const token = JSON.parse(readFileSync(join(dataDir, "credentials.json"), "utf8")).ingest_token;
    server = { ...started, token, dataDir, stop: async () => (await started.stop(), rmSync(dataDir, { recursive: true, force: true })) };
  }
  try {
    const auth = (next) => (req) => (req.header.set("authorization", `Bearer ${server.token}`), next(req));
    const client = createClient(TraceService, createGrpcTransport({ baseUrl: server.url, interceptors: [auth] }));
    say(`   listening on ${server.url}; first-run tokens in ${join(server.dataDir, "credentials.json")}`);
    say(`2. Recording a scripted session on a copy of sample_repo (${checkout.dir}), fix: ${fix} …`);
    const created = await client.createTrace({
      developer: { id: "" },
      task: { description: "Bug #142: buying exactly 10 units gives no bulk discount (rules: 10 or more).", repoUrl: checkout.dir, baseCommit: checkout.baseCommit, branch: "main", testImage: sampleImage, testCommand },
      environment: { os: process.platform, editor: "demo", shell: "bash", agentVersion: "demo" },
    });
    const traceId = created.trace.id;
    const events = sessionEvents(checkout.finalPatch, root, fix);
    const ack = await client.appendEvents({ traceId, uploadToken: created.uploadToken, events });
    say(`   trace ${traceId}: ${events.length} events stored (acked seq ${ack.ackedSeq})`);
    say("3. Finalizing: QA clones the repo, applies the patch, runs the tests twice in Docker, asks the judge …");
    const finalizedAt = Date.now();
    await client.finalizeTrace({ traceId, uploadToken: created.uploadToken, finalPatch: checkout.finalPatch });
    const statuses = ["UNSPECIFIED", "OPEN", "QUEUED", "RUNNING_TESTS", "JUDGING", "DONE", "FAILED"];
    let trace;
    for await (const change of client.watchTrace({ traceId })) {
      say(`   ${((Date.now() - finalizedAt) / 1000).toFixed(1).padStart(5)} s  ${statuses[change.status].padEnd(13)} ${change.statusDetail}`);
      trace = change.trace;
      if (change.status === 5 || change.status === 6) break;
    }
    const qaMs = Date.now() - finalizedAt;
    trace = (await client.getTrace({ traceId })).trace;
    say("\n4. The scored trace\n");
    say(renderTrace(trace));
    say("\n5. Timing");
    const bareMs = bareDockerRuns(checkout.dir);
    say(`   finalize → ${statuses[trace.status]}: ${(qaMs / 1000).toFixed(2)} s (clone, patch, 2 locked-down runs in parallel, grading, judge)`);
    say(`   two bare \`docker run\` of the same command, one after the other: ${(bareMs / 1000).toFixed(2)} s`);
    if (serverUrl) say(`\nRead it in the workbench: ${server.url}/#/trace/${traceId}`);
    say("\nTry another fix: npm run demo -- --fix fix-partial   (or fix-breaks-other)");
    say("Keep the traces: npm start, then npm run demo -- --server http://127.0.0.1:50051 (the workbench at / shows them).");
    say("Grade with an LLM: set OPENAI_API_KEY (and OPENAI_BASE_URL for any OpenAI-compatible server) before npm run demo.");
    return trace.status === 5 ? 0 : 1;
  } finally {
    await server.stop();
    rmSync(checkout.parent, { recursive: true, force: true });
  }
}

main().then(
  (code) => (process.exitCode = code),
  (err) => {
    console.error(`devtrace demo failed: ${err.message}`);
    process.exitCode = 1;
  },
);
