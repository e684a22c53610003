import type { ContainerCreateOptions, MountSettings } from "dockerode";
import type { RunUser } from "./image-user.js";

/** Where things live inside a test container. */
export const workDir = "/work";
export const repoDir = `${workDir}/repo`;
export const reportDir = `${workDir}/report`;

/** Label on every QA container and volume, for the start-up sweep. */
export const qaLabel = "devtrace.qa";

/** Resource limits of one test container. */
export interface ContainerLimits {
  /** Memory (and memory+swap) in bytes. */
  memoryBytes: number;
  /** CPU quota in units of 1e-9 CPUs. */
  nanoCpus: number;
  /** Maximum number of processes and threads. */
  pidsLimit: number;
  /** Size of the /tmp tmpfs in bytes. */
  tmpfsBytes: number;
}

/** Who owns a container, so a sweep removes only what a dead process left behind. */
export interface ContainerOwner {
  host: string;
  pid: number;
  traceId: string;
  phase: string;
}

const defaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/**
 * The locked-down container a test command runs in: no network, every capability
 * dropped, no-new-privileges, read-only root with a tmpfs /tmp, the tree in an
 * anonymous volume at /work (filled by putArchive, no host bind mount), limits on
 * memory, CPU and pids, no log driver (output is read through attach, bounded).
 */
export function containerSpec(input: { image: string; command: string; user: RunUser; imageEnv: string[]; limits: ContainerLimits; owner: ContainerOwner }): ContainerCreateOptions {
  const { limits, owner } = input;
  // Images made with `docker import` carry no ENV at all: PATH must always be set.
  const path = input.imageEnv.find((e) => e.startsWith("PATH="))?.slice(5) || defaultPath;
  const labels = { [qaLabel]: "1", "devtrace.qa.host": owner.host, "devtrace.qa.pid": String(owner.pid), "devtrace.trace": owner.traceId, "devtrace.qa.phase": owner.phase };
  return {
    Image: input.image,
    Entrypoint: ["/bin/sh", "-c"],
    Cmd: [input.command],
    User: `${input.user.uid}:${input.user.gid}`,
    WorkingDir: repoDir,
    Env: [
      `PATH=${path}`,
      "HOME=/tmp",
      "TZ=UTC",
      "LANG=C.UTF-8",
      "PYTHONHASHSEED=0",
      "PYTHONDONTWRITEBYTECODE=1",
      "CI=true",
      `DEVTRACE_REPORT_DIR=${reportDir}`,
      // Any pytest the command starts writes per-test results where QA collects them, and
      // runs the files it can load when one cannot (a new test importing the fix's new name).
      `PYTEST_ADDOPTS=--junitxml=${reportDir}/pytest.xml -o junit_family=xunit1 -p no:cacheprovider --continue-on-collection-errors`,
    ],
    Labels: labels,
    NetworkDisabled: true,
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
    OpenStdin: false,
    HostConfig: {
      NetworkMode: "none",
      CapDrop: ["ALL"],
      SecurityOpt: ["no-new-privileges"],
      ReadonlyRootfs: true,
      Tmpfs: { "/tmp": `rw,nosuid,nodev,size=${limits.tmpfsBytes}` },
      Mounts: [workVolume(labels)],
      Memory: limits.memoryBytes,
      MemorySwap: limits.memoryBytes,
      NanoCpus: limits.nanoCpus,
      PidsLimit: limits.pidsLimit,
      Ulimits: [{ Name: "nofile", Soft: 1024, Hard: 1024 }],
      LogConfig: { Type: "none", Config: {} },
      AutoRemove: false,
      Privileged: false,
    },
  };
}

/** An anonymous volume (Source ""), removed with the container (remove v=true). */
function workVolume(labels: Record<string, string>): MountSettings {
  return { Type: "volume", Source: "", Target: workDir, VolumeOptions: { NoCopy: true, Labels: labels, DriverConfig: { Name: "local", Options: {} } } };
}
