import { createRequire } from "node:module";
import Docker from "dockerode";

const require = createRequire(import.meta.url);

/**
 * docker-modem follows HTTP redirects on a second request that has no error listener: a
 * redirect (which the engine answers for a path with "//" or "..") became an uncaught
 * `getaddrinfo ENOTFOUND images` that took the whole server down. The Engine API never
 * redirects a well-formed call, so a redirect is refused as an ordinary, catchable error.
 */
function refuseRedirects(): void {
  const http = require("docker-modem/lib/http.js") as { maxRedirects: number };
  http.maxRedirects = 0;
}

/**
 * A Docker client for DOCKER_HOST as Docker's own CLI reads it (unix://, tcp://,
 * http(s)://, ssh is not supported); unset → the local socket.
 */
export function dockerClient(dockerHost?: string): Docker {
  refuseRedirects();
  if (!dockerHost) return new Docker({ socketPath: "/var/run/docker.sock" });
  if (dockerHost.startsWith("unix://")) return new Docker({ socketPath: dockerHost.slice("unix://".length) });
  const url = new URL(dockerHost.replace(/^tcp:\/\//, "http://"));
  return new Docker({ host: url.hostname, port: Number(url.port || (url.protocol === "https:" ? 2376 : 2375)), protocol: url.protocol === "https:" ? "https" : "http" });
}
