import { describe, expect, it } from "vitest";
import { QaStatus } from "../../../../gen/devtrace/v1/qa_pb.js";
import { containerSpec, defaultRunCpus, workVolumeSpec } from "../../../../server/qa/container-spec.js";
import { classifyQaError, QaError } from "../../../../server/qa/qa-error.js";

const limits = { memoryBytes: 1024 ** 3, nanoCpus: 2e9, pidsLimit: 256, tmpfsBytes: 256 * 1024 ** 2, workBytes: 1024 ** 3 };
const owner = { host: "h1", pid: 42, traceId: "t1", phase: "after" };
const spec = (imageEnv: string[] = []) => containerSpec({ image: "img:1", command: "pytest -q", user: { uid: 1000, gid: 1000, name: "runner" }, imageEnv, limits, owner, workVolume: "vol-1" });

describe("containerSpec()", () => {
  it("locks the container down: no network, no capabilities, no new privileges, read-only root", () => {
    const h = spec().HostConfig!;
    expect(h.NetworkMode).toBe("none");
    expect(h.CapDrop).toEqual(["ALL"]);
    expect(h.SecurityOpt).toEqual(["no-new-privileges"]);
    expect(h.ReadonlyRootfs).toBe(true);
    expect(h.Privileged).toBe(false);
    expect([h.Memory, h.MemorySwap, h.NanoCpus, h.PidsLimit]).toEqual([1024 ** 3, 1024 ** 3, 2e9, 256]);
    expect(h.Binds).toBeUndefined();
    expect(h.Mounts?.map((m) => m.Type)).toEqual(["volume"]);
  });

  it("always sets PATH, from the image when it has one", () => {
    expect(spec().Env).toContain("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    expect(spec(["PATH=/opt/py/bin:/usr/bin"]).Env).toContain("PATH=/opt/py/bin:/usr/bin");
    expect(spec().Env).toEqual(expect.arrayContaining(["TZ=UTC", "PYTHONHASHSEED=0"]));
  });

  it("runs the command with sh -c as the numeric user, labelled for the sweep", () => {
    const s = spec();
    expect([s.Entrypoint, s.Cmd, s.User]).toEqual([["/bin/sh", "-c"], ["pytest -q"], "1000:1000"]);
    expect(s.Labels).toMatchObject({ "devtrace.qa": "1", "devtrace.qa.host": "h1", "devtrace.qa.pid": "42", "devtrace.trace": "t1" });
  });
});

describe("workVolumeSpec() and defaultRunCpus()", () => {
  it("makes /work a tmpfs of workBytes owned by the run user, labelled for the sweep", () => {
    const v = workVolumeSpec("vol-1", limits, { uid: 1000, gid: 1001, name: "runner" }, owner);
    expect(v.DriverOpts).toEqual({ type: "tmpfs", device: "tmpfs", o: `size=${1024 ** 3},uid=1000,gid=1001,mode=0755,nosuid,nodev` });
    expect(v.Labels).toMatchObject({ "devtrace.qa": "1", "devtrace.trace": "t1" });
    expect(spec().HostConfig!.Mounts).toEqual([{ Type: "volume", Source: "vol-1", Target: "/work" }]);
  });

  it.each([
    [1, 0.25],
    [2, 0.75],
    [4, 1.75],
    [16, 7.75],
  ])("gives each of the two runs its share of %d host cores, keeping half a core for the server: %d", (cores, cpus) => {
    expect(defaultRunCpus(cores)).toBe(cpus);
  });
});

describe("classifyQaError()", () => {
  it.each([
    [new QaError("patch_failed", "x"), QaStatus.PATCH_FAILED, false],
    [new QaError("repo_unavailable", "x"), QaStatus.REPO_UNAVAILABLE, false],
    [new QaError("image_not_found", "x"), QaStatus.IMAGE_NOT_FOUND, false],
    [new QaError("docker_unavailable", "x"), QaStatus.DOCKER_UNAVAILABLE, true],
    [new QaError("judge_invalid", "x"), QaStatus.JUDGE_FAILED, false],
    [new QaError("judge_unavailable", "x"), QaStatus.JUDGE_FAILED, false],
    [new QaError("judge_timed_out", "x"), QaStatus.JUDGE_TIMED_OUT, false],
    [new Error("surprise"), QaStatus.ERROR, true],
  ])("maps %s to a status and says whether to retry", (err, status, transient) => {
    expect(classifyQaError(err)).toMatchObject({ status, transient });
  });

  it("recognises a Docker socket that is not there", () => {
    const cause = Object.assign(new Error("connect ENOENT /var/run/docker.sock"), { code: "ENOENT" });
    expect(classifyQaError(new Error("docker create failed", { cause })).status).toBe(QaStatus.DOCKER_UNAVAILABLE);
  });
});
