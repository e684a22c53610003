import Docker from "dockerode";

/**
 * A Docker client for DOCKER_HOST as Docker's own CLI reads it (unix://, tcp://,
 * http(s)://, ssh is not supported); unset → the local socket.
 */
export function dockerClient(dockerHost?: string): Docker {
  if (!dockerHost) return new Docker({ socketPath: "/var/run/docker.sock" });
  if (dockerHost.startsWith("unix://")) return new Docker({ socketPath: dockerHost.slice("unix://".length) });
  const url = new URL(dockerHost.replace(/^tcp:\/\//, "http://"));
  return new Docker({ host: url.hostname, port: Number(url.port || (url.protocol === "https:" ? 2376 : 2375)), protocol: url.protocol === "https:" ? "https" : "http" });
}
