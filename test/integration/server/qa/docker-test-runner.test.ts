import { execFileSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterAll, beforeAll, expect, it } from "vitest";
import { dockerClient } from "../../../../server/qa/docker-client.js";
import { DockerTestRunner } from "../../../../server/qa/docker-test-runner.js";
import { QaError } from "../../../../server/qa/qa-error.js";
import type { TestRunSpec } from "../../../../server/qa/test-runner.js";
import { describeWith, sampleImage } from "../../../helpers/infra.js";

const docker = dockerClient();
const logger = pino({ level: "silent" });

/** Containers and volumes this test process created that still exist. */
async function leftovers(): Promise<number> {
  const filters = { label: [`devtrace.qa.pid=${process.pid}`] };
  const containers = await docker.listContainers({ all: true, filters });
  const volumes = (await docker.listVolumes({ filters })).Volumes ?? [];
  return containers.length + volumes.length;
}

describeWith(["docker", "sample-image"], "DockerTestRunner.run()", () => {
  let tree: string;
  const runner = new DockerTestRunner(docker, logger, { timeoutMs: 20_000, limits: { memoryBytes: 256 * 1024 ** 2, pidsLimit: 64 } });
  const spec = (command: string, extra: Partial<TestRunSpec> = {}): TestRunSpec => ({ traceId: "t-runner", phase: "after", image: sampleImage, command, treeDir: tree, ...extra });

  beforeAll(async () => {
    tree = await mkdtemp(join(tmpdir(), "devtrace-runner-test-"));
    await writeFile(join(tree, "test_sample.py"), "def test_ok():\n    assert 1 + 1 == 2\n\ndef test_bad():\n    assert 1 + 1 == 3\n");
  });
  afterAll(async () => {
    await rm(tree, { recursive: true, force: true });
  });

  it("runs pytest on the tree and hands back its JUnit report and output", async () => {
    const run = await runner.run(spec("python3 -m pytest -q"));
    expect(run.exitCode).toBe(1);
    expect(run.timedOut).toBe(false);
    expect(run.stdout.text).toMatch(/1 failed, 1 passed/);
    expect(run.junitReports).toHaveLength(1);
    expect(run.junitReports[0]).toContain('name="test_bad"');
    expect(await leftovers()).toBe(0);
  });

  it("runs as a non-root user with no capabilities on a read-only root", async () => {
    const run = await runner.run(spec("id -u; grep CapEff /proc/self/status; touch /etc/x; echo data > /tmp/x && echo tmp-ok; touch here && echo work-ok; echo \"$TZ $PYTHONHASHSEED\""));
    const out = run.stdout.text;
    expect(out.split("\n")[0]).not.toBe("0");
    expect(out).toMatch(/CapEff:\s+0000000000000000/);
    expect(run.stderr.text).toMatch(/Read-only file system/);
    expect(out).toContain("tmp-ok");
    expect(out).toContain("work-ok");
    expect(out).toContain("UTC 0");
  });

  it("gives the command no network", async () => {
    const run = await runner.run(spec(`python3 -c "import socket; socket.create_connection(('1.1.1.1', 80), timeout=5)"`));
    expect(run.exitCode).not.toBe(0);
    expect(run.stderr.text).toMatch(/Network is unreachable|OSError|timed out/);
    expect(await leftovers()).toBe(0);
  });

  it("kills a command that sleeps forever at the wall-clock limit", async () => {
    const short = new DockerTestRunner(docker, logger, { timeoutMs: 3_000 });
    const run = await short.run(spec("echo started; sleep 100000"));
    expect(run.timedOut).toBe(true);
    expect(run.stdout.text).toContain("started");
    expect(run.stderr.text).toContain("wall-clock limit");
    expect(await leftovers()).toBe(0);
  });

  it("contains a fork bomb within the pids limit", async () => {
    const short = new DockerTestRunner(docker, logger, { timeoutMs: 8_000, limits: { pidsLimit: 64 } });
    const run = await short.run(spec("bomb() { bomb | bomb & }; bomb; sleep 2; echo survived"));
    // The limit refuses new processes; the shell itself lives on to report.
    const seen = `exit ${run.exitCode}, timed out ${run.timedOut}; stdout ${JSON.stringify(run.stdout.text.slice(-300))}; stderr ${JSON.stringify(run.stderr.text.slice(-300))}`;
    expect(run.stderr.text, seen).toMatch(/Cannot fork|Resource temporarily unavailable/);
    expect(run.stdout.text, seen).toContain("survived");
    expect(await leftovers()).toBe(0);
  });

  it("bounds the disk a run can write: /work and /tmp end at their size, the host's disk is untouched", async () => {
    const mib = 1024 ** 2;
    const bounded = new DockerTestRunner(docker, logger, { timeoutMs: 60_000, limits: { workBytes: 64 * mib, tmpfsBytes: 32 * mib, memoryBytes: 512 * mib } });
    const hostFree = () => Number(execFileSync("df", ["-B1", "--output=avail", "/var/lib/docker"], { encoding: "utf8" }).split("\n")[1]);
    const freeBefore = hostFree();
    const started = Date.now();
    // Each write asks for 4× its bound; dd stops at ENOSPC and reports what it wrote.
    const run = await bounded.run(spec("dd if=/dev/zero of=/work/repo/fill bs=1M count=256 2>&1 | grep -E 'No space|bytes'; dd if=/dev/zero of=/tmp/fill bs=1M count=128 2>&1 | grep -E 'No space|bytes'; df -B1 /work /tmp | tail -2"));
    const seconds = (Date.now() - started) / 1000;
    const out = run.stdout.text;
    console.log(`disk bound: /work ${64} MiB and /tmp ${32} MiB held against 256 + 128 MiB of writes in ${seconds.toFixed(1)} s; host free space changed by ${((freeBefore - hostFree()) / mib).toFixed(1)} MiB`);
    expect(out.match(/No space left on device/g)).toHaveLength(2);
    const written = [...out.matchAll(/^(\d+) bytes/gm)].map((m) => Number(m[1]));
    expect(written[0]).toBeLessThanOrEqual(64 * mib);
    expect(written[1]).toBeLessThanOrEqual(32 * mib);
    expect(out).toMatch(/tmpfs\s+67108864\s/);
    // Nothing of the 384 MiB reached the host's disk (other jobs on the machine write too: a loose bound).
    expect(freeBefore - hostFree()).toBeLessThan(200 * mib);
    expect(await leftovers()).toBe(0);
  });

  it("reports a command that eats memory as killed out of memory", async () => {
    const run = await runner.run(spec(`python3 -c "b = []\nwhile True: b.append(bytearray(32 * 1024 * 1024))"`));
    expect(run.oomKilled).toBe(true);
    expect(run.exitCode).toBe(137);
    expect(run.stderr.text).toContain("out of memory");
    expect(await leftovers()).toBe(0);
  });

  it("keeps the head and tail of a flood of output and counts what it cut", async () => {
    const run = await runner.run(spec("echo first-line; head -c 3000000 /dev/zero | tr '\\0' x; echo; echo last-line"));
    expect(run.stdout.bytesCut).toBeGreaterThan(2_000_000);
    expect(run.stdout.text.startsWith("first-line")).toBe(true);
    expect(run.stdout.text.trimEnd().endsWith("last-line")).toBe(true);
  });

  it("names a missing image in an IMAGE_NOT_FOUND error", async () => {
    const err = await runner.run(spec("true", { image: "devtrace/no-such-image:0" })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QaError);
    expect((err as QaError).kind).toBe("image_not_found");
    expect((err as QaError).message).toContain("devtrace/no-such-image:0");
  });

  it("kills and removes the container when the run is aborted", async () => {
    const abort = new AbortController();
    const running = runner.run(spec("sleep 100000", { signal: abort.signal }));
    setTimeout(() => abort.abort(new Error("lease lost")), 1_500);
    await expect(running).rejects.toThrow(/aborted/);
    expect(await leftovers()).toBe(0);
  });
});
