import { hostname } from "node:os";
import type Docker from "dockerode";
import type { Logger } from "pino";
import { qaLabel } from "./container-spec.js";
import { dockerCall } from "./docker-call.js";

/** Options of sweepContainers. */
export interface SweepOptions {
  /** Host whose containers may be swept, default os.hostname(): others belong to other machines. */
  host?: string;
  /** Containers older than this are abandoned whatever their owner, default 2 h. */
  maxAgeMs?: number;
  /** Tells whether a process id is alive on this host; default process.kill(pid, 0). */
  isAlive?: (pid: number) => boolean;
}

/**
 * Removes QA containers (and their volumes) left by a process that died mid-run — a
 * crash skips every `finally`. Only containers of this host whose owning process is
 * gone (or that outlived any run) are touched, so live workers sharing the engine keep theirs.
 * Returns how many containers and volumes it removed.
 */
export async function sweepContainers(docker: Docker, logger: Logger, options: SweepOptions = {}): Promise<number> {
  const host = options.host ?? hostname();
  const maxAgeMs = options.maxAgeMs ?? 2 * 3600_000;
  const isAlive = options.isAlive ?? pidAlive;
  let removed = 0;
  const containers = await dockerCall(logger, "list containers", { label: qaLabel }, () => docker.listContainers({ all: true, filters: { label: [`${qaLabel}=1`] } }));
  for (const info of containers) {
    const pid = Number(info.Labels["devtrace.qa.pid"]);
    const mine = info.Labels["devtrace.qa.host"] === host;
    const old = Date.now() - info.Created * 1000 > maxAgeMs;
    const orphan = mine && (pid === process.pid ? false : !Number.isInteger(pid) || !isAlive(pid));
    if (!orphan && !(mine && old)) continue;
    await dockerCall(logger, "remove (sweep)", { containerId: info.Id, traceId: info.Labels["devtrace.trace"] }, () => docker.getContainer(info.Id).remove({ force: true, v: true }));
    removed++;
  }
  // A volume outlives its container only when the container was removed without v=true.
  const volumes = await dockerCall(logger, "list volumes", { label: qaLabel }, () => docker.listVolumes({ filters: { label: [`${qaLabel}=1`], dangling: ["true"] } }));
  for (const v of volumes.Volumes ?? []) {
    if (v.Labels?.["devtrace.qa.host"] !== host) continue;
    await dockerCall(logger, "remove volume (sweep)", { volume: v.Name }, () => docker.getVolume(v.Name).remove());
    removed++;
  }
  if (removed > 0) logger.info({ removed }, "swept QA containers left by a dead process");
  return removed;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
