import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { Writable } from "node:stream";
import type Docker from "dockerode";
import type { Logger } from "pino";
import { BoundedText } from "./bounded-text.js";
import { containerSpec, defaultRunCpus, qaLabel, reportDir, volumeHolderSpec, workDir, workVolumeSpec, type ContainerLimits, type ContainerOwner } from "./container-spec.js";
import { dockerCall, dockerStatus } from "./docker-call.js";
import { ensureImage, type ImageFacts } from "./ensure-image.js";
import { parsePasswd, pickRunUser, type RunUser } from "./image-user.js";
import { readFirstFile, readXmlFiles } from "./report-archive.js";
import { packTree } from "./tar-tree.js";
import type { RawTestRun, TestRunner, TestRunSpec } from "./test-runner.js";

/** Settings of DockerTestRunner; every field has a default. */
export interface DockerTestRunnerOptions {
  /** Wall-clock limit of one run, default 600 000 ms; the container is killed after it. */
  timeoutMs?: number;
  /** Limits; defaults: 1 GiB memory, defaultRunCpus(host cores), 256 pids, 256 MiB /tmp, 1 GiB /work. */
  limits?: Partial<ContainerLimits>;
  /** Bytes of stdout and of stderr kept (head and tail), default 64 KiB each. */
  outputLimitBytes?: number;
  /** Pull a missing image instead of failing with IMAGE_NOT_FOUND; default false. */
  pullImages?: boolean;
  /** Host name recorded on containers for the sweep, default os.hostname(). */
  host?: string;
}

/** Runs test commands in locked-down Docker containers through the Engine API. */
export class DockerTestRunner implements TestRunner {
  private readonly users = new Map<string, Promise<RunUser>>();
  private readonly limits: ContainerLimits;

  constructor(
    private readonly docker: Docker,
    private readonly logger: Logger,
    private readonly options: DockerTestRunnerOptions = {},
    hostCpus = 2,
  ) {
    this.limits = { memoryBytes: 1024 ** 3, nanoCpus: Math.round(defaultRunCpus(hostCpus) * 1e9), pidsLimit: 256, tmpfsBytes: 256 * 1024 ** 2, workBytes: 1024 ** 3, ...options.limits };
  }

  /** Runs one test command; its container, volume and volume holder are removed on every path. */
  async run(spec: TestRunSpec): Promise<RawTestRun> {
    const log = this.logger.child({ traceId: spec.traceId, phase: spec.phase });
    const image = await ensureImage(this.docker, spec.image, this.options.pullImages ?? false, log);
    const user = await this.runUser(spec.image, image, log);
    const owner = { host: this.options.host ?? hostname(), pid: process.pid, traceId: spec.traceId, phase: spec.phase };
    const cleanup: Array<() => Promise<unknown>> = [];
    try {
      const workVolume = await this.workVolume(spec.image, user, owner, log, cleanup);
      const config = containerSpec({ image: spec.image, command: spec.command, user, imageEnv: image.env, limits: this.limits, owner, workVolume });
      const container = await dockerCall(log, "create", { image: spec.image }, () => this.docker.createContainer(config));
      cleanup.unshift(() => dockerCall(log, "remove", { containerId: container.id }, () => container.remove({ force: true, v: true })));
      return await this.fillAndRun(container, spec, user, log);
    } finally {
      for (const step of cleanup) {
        await step().catch((err: unknown) => {
          // Left for the start-up sweep; the run's own outcome (or error) is what the caller needs.
          log.error({ err }, "QA resource not removed; the next start-up sweep removes it");
        });
      }
    }
  }

  /** Creates the size-bounded /work volume and starts the container that keeps it mounted. */
  private async workVolume(image: string, user: RunUser, owner: ContainerOwner, log: Logger, cleanup: Array<() => Promise<unknown>>): Promise<string> {
    const name = `devtrace-qa-${owner.traceId.replace(/[^A-Za-z0-9_.-]/g, "").slice(0, 40)}-${owner.phase}-${randomBytes(4).toString("hex")}`;
    await dockerCall(log, "create volume", { volume: name }, () => this.docker.createVolume(workVolumeSpec(name, this.limits, user, owner)));
    cleanup.push(() => dockerCall(log, "remove volume", { volume: name }, () => this.docker.getVolume(name).remove()));
    const holder = await dockerCall(log, "create (volume holder)", { volume: name }, () => this.docker.createContainer(volumeHolderSpec(image, name, owner)));
    cleanup.unshift(() => dockerCall(log, "remove (volume holder)", { containerId: holder.id }, () => holder.remove({ force: true, v: true })));
    await dockerCall(log, "start (volume holder)", { containerId: holder.id }, () => holder.start());
    return name;
  }

  private async fillAndRun(container: Docker.Container, spec: TestRunSpec, user: RunUser, log: Logger): Promise<RawTestRun> {
    const ctx = { containerId: container.id };
    const tree = packTree(spec.treeDir, { uid: user.uid, gid: user.gid, prefix: "repo", extraDirs: ["report"] });
    await dockerCall(log, "putArchive", ctx, () => container.putArchive(tree as unknown as NodeJS.ReadableStream, { path: workDir })).catch((err: unknown) => {
      if (/no space left/i.test(String((err as Error).message))) throw new Error(`the repository does not fit in the ${this.limits.workBytes} bytes of /work (raise limits.workBytes)`, { cause: err });
      throw err;
    });
    return this.execute(container, spec, log.child(ctx));
  }

  private async execute(container: Docker.Container, spec: TestRunSpec, log: Logger): Promise<RawTestRun> {
    const ctx = { containerId: container.id };
    const limit = this.options.outputLimitBytes ?? 64 * 1024;
    const out = new BoundedText(limit);
    const err = new BoundedText(limit);
    const stream = await dockerCall(log, "attach", ctx, () => container.attach({ stream: true, stdout: true, stderr: true }));
    const ended = new Promise<void>((resolve) => {
      stream.on("end", resolve);
      stream.on("close", resolve);
      stream.on("error", resolve);
    });
    this.docker.modem.demuxStream(stream, sink(out), sink(err));
    const started = Date.now();
    await dockerCall(log, "start", ctx, () => container.start());
    const { exitCode, timedOut } = await this.waitOrKill(container, spec.signal, log);
    const durationMs = Date.now() - started;
    await Promise.race([ended, delay(5_000)]);
    (stream as unknown as { destroy?: () => void }).destroy?.();
    const state = (await dockerCall(log, "inspect", ctx, () => container.inspect())).State;
    const oomKilled = state.OOMKilled === true;
    const reports = await dockerCall(log, "getArchive", ctx, () => container.getArchive({ path: reportDir })).then((a) => readXmlFiles(a));
    const stderr = err.result();
    if (timedOut) stderr.text += `\n[devtrace] killed after the ${this.timeoutMs() / 1000} s wall-clock limit`;
    if (oomKilled) stderr.text += `\n[devtrace] killed: out of memory (limit ${this.limits.memoryBytes} bytes)`;
    log.info({ exitCode, timedOut, oomKilled, durationMs }, "test run finished");
    return { containerId: container.id, exitCode, timedOut, oomKilled, durationMs, stdout: out.result(), stderr, junitReports: reports };
  }

  private timeoutMs(): number {
    return this.options.timeoutMs ?? 600_000;
  }

  /** Waits for the command; at the time limit or on abort, kills it. */
  private async waitOrKill(container: Docker.Container, signal: AbortSignal | undefined, log: Logger): Promise<{ exitCode: number; timedOut: boolean }> {
    const waiting = dockerCall(log, "wait", { containerId: container.id }, () => container.wait() as Promise<{ StatusCode: number }>);
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    const stop = new Promise<"timeout" | "abort">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), this.timeoutMs());
      onAbort = () => resolve("abort");
      if (signal?.aborted) resolve("abort");
      signal?.addEventListener("abort", onAbort, { once: true });
    });
    try {
      const first = await Promise.race([waiting, stop]);
      if (typeof first === "object") return { exitCode: first.StatusCode, timedOut: false };
      log.warn({ containerId: container.id, reason: first }, "killing test container");
      await dockerCall(log, "kill", { containerId: container.id }, () => container.kill()).catch((e: unknown) => {
        // 409: it exited on its own in the meantime; anything else is a real failure.
        if (dockerStatus(e) !== 409 && dockerStatus(e) !== 304) throw e;
      });
      await waiting;
      if (first === "abort") throw new Error("test run aborted", { cause: signal?.reason });
      return { exitCode: -1, timedOut: true };
    } finally {
      clearTimeout(timer);
      if (onAbort) signal?.removeEventListener("abort", onAbort);
    }
  }

  /** The non-root user of an image (from its USER or /etc/passwd), looked up once per image. */
  private runUser(image: string, facts: ImageFacts, log: Logger): Promise<RunUser> {
    let found = this.users.get(facts.id);
    if (!found) {
      found = this.readPasswd(image, log).then((text) => pickRunUser(facts.user, parsePasswd(text)));
      found.catch(() => this.users.delete(facts.id));
      this.users.set(facts.id, found);
    }
    return found;
  }

  private async readPasswd(image: string, log: Logger): Promise<string> {
    const probe = await dockerCall(log, "create (user probe)", { image }, () =>
      this.docker.createContainer({ Image: image, Entrypoint: ["/bin/true"], Cmd: [], Labels: { [qaLabel]: "1", "devtrace.qa.host": this.options.host ?? hostname(), "devtrace.qa.pid": String(process.pid) }, NetworkDisabled: true, HostConfig: { NetworkMode: "none" } }),
    );
    try {
      const archive = await probe.getArchive({ path: "/etc/passwd" }).catch((err: unknown) => {
        if (dockerStatus(err) === 404) return undefined;
        throw err;
      });
      return archive ? await readFirstFile(archive) : "";
    } finally {
      await dockerCall(log, "remove (user probe)", { containerId: probe.id }, () => probe.remove({ force: true, v: true }));
    }
  }
}

function sink(target: BoundedText): Writable {
  return new Writable({
    write(chunk: Buffer, _enc, cb) {
      target.write(chunk);
      cb();
    },
  });
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
