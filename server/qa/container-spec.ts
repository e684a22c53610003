import type { ContainerCreateOptions, VolumeCreateOptions } from "dockerode";
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
  /** Size of /work (the repository and the report directory), a tmpfs volume, in bytes. */
  workBytes: number;
}

/**
 * CPUs of one test container by default: the host's cores less half a core for the server,
 * shared by the two runs (before and after) that go at once; at least a quarter core.
 */
export function defaultRunCpus(hostCpus: number): number {
  return Math.max(0.25, Math.floor(((hostCpus - 0.5) / 2) * 100) / 100);
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
 * dropped, no-new-privileges, read-only root with a tmpfs /tmp, the tree in the size-bounded
 * tmpfs volume `workVolume` at /work (filled by putArchive, no host bind mount), limits on
 * memory, CPU and pids, no log driver (output is read through attach, bounded).
 */
export function containerSpec(input: { image: string; command: string; user: RunUser; imageEnv: string[]; limits: ContainerLimits; owner: ContainerOwner; workVolume: string }): ContainerCreateOptions {
  const { limits, owner } = input;
  // Images made with `docker import` carry no ENV at all: PATH must always be set.
  const path = input.imageEnv.find((e) => e.startsWith("PATH="))?.slice(5) || defaultPath;
  const labels = ownerLabels(owner);
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
      Mounts: [{ Type: "volume", Source: input.workVolume, Target: workDir }],
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

/**
 * The /work volume: a tmpfs of `workBytes`, so a test run can never fill the host's disk
 * (a write past it fails with ENOSPC inside the container). Owned by the run user.
 */
export function workVolumeSpec(name: string, limits: ContainerLimits, user: RunUser, owner: ContainerOwner): VolumeCreateOptions {
  return {
    Name: name,
    Driver: "local",
    DriverOpts: { type: "tmpfs", device: "tmpfs", o: `size=${limits.workBytes},uid=${user.uid},gid=${user.gid},mode=0755,nosuid,nodev` },
    Labels: ownerLabels(owner),
  };
}

/**
 * A tmpfs volume lives only while mounted, and Docker mounts it afresh for each archive
 * call on a container that is not running: this idle container keeps it mounted from the
 * first putArchive to the last getArchive. Locked down like the test container.
 */
export function volumeHolderSpec(image: string, workVolume: string, owner: ContainerOwner): ContainerCreateOptions {
  return {
    Image: image,
    Entrypoint: ["/bin/sh", "-c"],
    // `read` is a shell builtin: waits on stdin (kept open) without needing any binary.
    Cmd: ["read -r _"],
    User: "65534:65534",
    OpenStdin: true,
    Labels: ownerLabels({ ...owner, phase: `${owner.phase}-holder` }),
    NetworkDisabled: true,
    HostConfig: {
      NetworkMode: "none",
      CapDrop: ["ALL"],
      SecurityOpt: ["no-new-privileges"],
      ReadonlyRootfs: true,
      Mounts: [{ Type: "volume", Source: workVolume, Target: workDir, ReadOnly: true }],
      Memory: 32 * 1024 ** 2,
      MemorySwap: 32 * 1024 ** 2,
      NanoCpus: 0.1e9,
      PidsLimit: 4,
      LogConfig: { Type: "none", Config: {} },
    },
  };
}

function ownerLabels(owner: ContainerOwner): Record<string, string> {
  return { [qaLabel]: "1", "devtrace.qa.host": owner.host, "devtrace.qa.pid": String(owner.pid), "devtrace.trace": owner.traceId, "devtrace.qa.phase": owner.phase };
}
