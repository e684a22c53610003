import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { defaultRunCpus } from "../server/qa/container-spec.js";
import { dockerClient } from "../server/qa/docker-client.js";
import { DockerTestRunner } from "../server/qa/docker-test-runner.js";
import { startServer } from "./lib/server-child.js";

/**
 * The server's /healthz latency while two fork bombs run as a trace's before and after
 * test runs, with the old limits (2 CPUs each) and the host-derived default. Run after a
 * build: `node dist/bench/qa-fork-bomb.js`. Prints p50 / p99 / max in ms.
 */
async function main(): Promise<void> {
  const server = await startServer();
  const tree = await mkdtemp(join(tmpdir(), "devtrace-bomb-"));
  await writeFile(join(tree, "README"), "fork bomb\n");
  try {
    const probe = async (ms: number) => {
      const samples: number[] = [];
      const end = Date.now() + ms;
      while (Date.now() < end) {
        const t = performance.now();
        await fetch(`${server.url}/healthz`).then((r) => r.arrayBuffer());
        samples.push(performance.now() - t);
        await new Promise((r) => setTimeout(r, 20));
      }
      samples.sort((a, b) => a - b);
      const q = (p: number) => samples[Math.min(samples.length - 1, Math.floor(p * samples.length))].toFixed(1);
      return `p50 ${q(0.5)} ms, p99 ${q(0.99)} ms, max ${samples[samples.length - 1].toFixed(1)} ms (${samples.length} probes)`;
    };
    console.log(`host cores ${availableParallelism()}; idle: ${await probe(5_000)}`);
    for (const [label, cpus] of [["old limits, 2 CPUs per run", 2], [`default, ${defaultRunCpus(availableParallelism())} CPUs per run`, defaultRunCpus(availableParallelism())]] as const) {
      const runner = new DockerTestRunner(dockerClient(), pino({ level: "silent" }), { timeoutMs: 25_000, limits: { nanoCpus: cpus * 1e9 } });
      const bomb = "bomb() { bomb | bomb & }; bomb; while :; do :; done";
      const runs = ["before", "after"].map((phase) => runner.run({ traceId: "bench-bomb", phase: phase as "before" | "after", image: "devtrace/sample-python:1", command: bomb, treeDir: tree }));
      await new Promise((r) => setTimeout(r, 4_000));
      console.log(`${label}: ${await probe(12_000)}`);
      await Promise.allSettled(runs);
    }
  } finally {
    await rm(tree, { recursive: true, force: true });
    await server[Symbol.asyncDispose]();
  }
}

await main();
