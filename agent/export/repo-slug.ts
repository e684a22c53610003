/**
 * "owner/name" for a task's repository URL (https, ssh, scp-like "git@host:owner/name.git") or
 * its last two path segments for a local path. Credentials, hosts and queries never appear, and
 * every character outside [A-Za-z0-9._-] becomes "_", so the slug is safe in an instance id, a
 * file name or a Docker image name.
 */
export function repoSlug(repoUrl: string): string {
  let path = repoUrl.trim();
  const scheme = /^[a-z][a-z0-9+.-]*:\/\/[^/]*(\/.*)?$/i.exec(path);
  if (scheme) path = scheme[1] ?? "";
  else {
    const scp = /^[^/@:\s]+@[^/:\s]+:(.*)$/.exec(path);
    if (scp) path = scp[1];
  }
  path = path.replace(/[?#].*$/, "").replace(/\/+$/, "").replace(/\.git$/, "");
  const parts = path.split(/[/\\]+/).filter((p) => p !== "" && p !== "." && p !== "..");
  const clean = parts.slice(-2).map((p) => p.replace(/[^A-Za-z0-9._-]/g, "_").replace(/^\.+/, "_").slice(0, 100));
  return clean.length > 0 ? clean.join("/") : "unknown";
}
