import { hostname } from "node:os";
import { pino } from "pino";
import { afterAll, expect, it } from "vitest";
import { qaLabel } from "../../../../server/qa/container-spec.js";
import { sweepContainers } from "../../../../server/qa/container-sweep.js";
import { dockerClient } from "../../../../server/qa/docker-client.js";
import { describeWith, sampleImage } from "../../../helpers/infra.js";

const docker = dockerClient();
const created: string[] = [];

async function labelled(pid: number, host = hostname()): Promise<string> {
  const labels = { [qaLabel]: "1", "devtrace.qa.host": host, "devtrace.qa.pid": String(pid), "devtrace.test": "sweep" };
  const c = await docker.createContainer({ Image: sampleImage, Entrypoint: ["/bin/true"], Labels: labels, HostConfig: { NetworkMode: "none", Mounts: [{ Type: "volume", Source: "", Target: "/work", VolumeOptions: { NoCopy: true, Labels: labels, DriverConfig: { Name: "local", Options: {} } } }] } });
  created.push(c.id);
  return c.id;
}

async function exists(id: string): Promise<boolean> {
  return docker.getContainer(id).inspect().then(() => true, () => false);
}

describeWith(["docker", "sample-image"], "sweepContainers()", () => {
  afterAll(async () => {
    for (const id of created) await docker.getContainer(id).remove({ force: true, v: true }).catch(() => undefined);
  });

  it("removes containers (and volumes) of a dead process of this host, and only those", async () => {
    const deadPid = 2 ** 22 + 12_345; // above pid_max: never a live process
    const orphan = await labelled(deadPid);
    const live = await labelled(process.pid);
    const otherHost = await labelled(deadPid, "some-other-host");
    const removed = await sweepContainers(docker, pino({ level: "silent" }), { isAlive: (pid) => pid !== deadPid });
    expect(removed).toBeGreaterThanOrEqual(1);
    expect(await exists(orphan)).toBe(false);
    expect(await exists(live)).toBe(true);
    expect(await exists(otherHost)).toBe(true);
    const volumes = (await docker.listVolumes({ filters: { label: [`devtrace.qa.pid=${deadPid}`, `devtrace.qa.host=${hostname()}`] } })).Volumes ?? [];
    expect(volumes).toEqual([]);
  });
});
