import { lookup as dnsLookup, Resolver } from "node:dns/promises";
import { realpath as fsRealpath, stat as fsStat } from "node:fs/promises";
import { BlockList, isIP } from "node:net";
import { fileURLToPath } from "node:url";
import picomatch from "picomatch";

/** What QA may fetch; server/config.ts fills it from DEVTRACE_REPO_ALLOW and the listen address. */
export interface RepoPolicy {
  /**
   * DEVTRACE_REPO_ALLOW: glob patterns (picomatch) of repository URLs or absolute paths allowed
   * beyond the default; a match also lifts the private-address rule for that URL. Default none.
   */
  allow: readonly string[];
  /**
   * Local paths (and file://) owned by the server's own user are allowed. The default of a
   * server on loopback with no DEVTRACE_REPO_ALLOW (npm start, the demo, the tests); off
   * everywhere else. Default false.
   */
  ownLocalPaths: boolean;
}

/** The strictest policy: remote https:// and ssh URLs to public hosts only. */
export const remoteOnlyPolicy: RepoPolicy = { allow: [], ownLocalPaths: false };

/** The default of a server only this machine can reach: also the server user's own local repositories. */
export const loopbackRepoPolicy: RepoPolicy = { allow: [], ownLocalPaths: true };

/** The policy from DEVTRACE_REPO_ALLOW (unset → undefined) and whether the server listens on loopback only. */
export function repoPolicyOf(allow: readonly string[] | undefined, loopbackOnly: boolean): RepoPolicy {
  if (allow !== undefined) return { allow, ownLocalPaths: false };
  return loopbackOnly ? loopbackRepoPolicy : remoteOnlyPolicy;
}

/** One line for the start-up banner saying what QA may fetch. */
export function describeRepoPolicy(p: RepoPolicy): string {
  const local = p.ownLocalPaths
    ? `ANY local repository path the server's user (uid ${process.getuid?.() ?? "?"}) owns — loopback default; set DEVTRACE_REPO_ALLOW to restrict it`
    : "no local paths";
  const extra = p.allow.length ? `; allowed by DEVTRACE_REPO_ALLOW: ${p.allow.join(", ")}` : "";
  return `QA fetches repositories from: https:// and ssh URLs of public hosts, ${local}${extra}`;
}

/** A repo_url the policy refuses: the rule it broke and a message naming it. */
export class RepoRefused extends Error {
  override name = "RepoRefused";
  constructor(
    readonly rule: "form" | "transport" | "local-path" | "private-host" | "unresolvable",
    message: string,
  ) {
    super(message);
  }
}

/** A repo_url as the policy understood it. */
export type RepoTarget = { kind: "local"; path: string } | { kind: "remote"; url: string; host: string; port: number; transport: "https" | "ssh" | "http" | "git" };

/** The I/O the policy check does, replaceable in tests. */
export interface PolicyIo {
  lookup(host: string): Promise<Array<{ address: string; family: number }>>;
  realpath(path: string): Promise<string>;
  ownerUid(path: string): Promise<number>;
  uid: number;
}

/** The resolver git itself uses (getaddrinfo, /etc/hosts included): for the check right before a clone. */
export const systemIo: PolicyIo = {
  lookup: (host) => dnsLookup(host, { all: true, verbatim: true }),
  realpath: (p) => fsRealpath(p),
  ownerUid: async (p) => (await fsStat(p)).uid,
  uid: process.getuid?.() ?? -1,
};

/**
 * For CreateTrace: DNS queries through c-ares with a short timeout, off libuv's thread pool,
 * so hosts whose lookups hang cannot stall the server's file I/O. "localhost" names are
 * loopback by definition (RFC 6761); anything that does not resolve here is checked again,
 * with getaddrinfo, right before the clone.
 */
export function requestIo(timeoutMs = 2_000): PolicyIo {
  const resolver = new Resolver({ timeout: timeoutMs, tries: 1 });
  return {
    ...systemIo,
    async lookup(host) {
      if (/(^|\.)localhost\.?$/i.test(host)) return [{ address: "127.0.0.1", family: 4 }];
      const [v4, v6] = await Promise.allSettled([resolver.resolve4(host), resolver.resolve6(host)]);
      const found = [...(v4.status === "fulfilled" ? v4.value.map((address) => ({ address, family: 4 })) : []), ...(v6.status === "fulfilled" ? v6.value.map((address) => ({ address, family: 6 })) : [])];
      if (found.length === 0) throw Object.assign(new Error(`no address for ${host}`), { code: v4.status === "rejected" ? (v4.reason as NodeJS.ErrnoException).code : "ENODATA" });
      return found;
    },
  };
}

/** Loopback, private, link-local (cloud metadata), CGNAT, multicast, reserved and unspecified ranges. */
const internal = new BlockList();
for (const [net, bits] of [["0.0.0.0", 8], ["10.0.0.0", 8], ["100.64.0.0", 10], ["127.0.0.0", 8], ["169.254.0.0", 16], ["172.16.0.0", 12], ["192.0.0.0", 24], ["192.168.0.0", 16], ["198.18.0.0", 15], ["224.0.0.0", 4], ["240.0.0.0", 4]] as const) internal.addSubnet(net, bits, "ipv4");
for (const [net, bits] of [["::", 128], ["::1", 128], ["fc00::", 7], ["fe80::", 10], ["ff00::", 8], ["64:ff9b::", 96], ["2001:db8::", 32]] as const) internal.addSubnet(net, bits, "ipv6");

/** True for an address QA must never fetch from unless the operator allows it by pattern. */
export function isInternalAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true;
  if (family === 6) {
    // ::ffff:a.b.c.d and ::a.b.c.d carry an IPv4 address: judge that one.
    const mapped = /^::(?:ffff:)?(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    if (mapped) return internal.check(mapped[1], "ipv4");
    return internal.check(address, "ipv6");
  }
  return internal.check(address, "ipv4");
}

/**
 * Parses a repo_url without touching the network: `https://host/path`, `ssh://[user@]host[:port]/path`,
 * scp-like `user@host:path`, an absolute local path or `file://`, and `http://` / `git://` (which
 * only an allow pattern admits). `ext::`, any `<transport>::`, other schemes, option-looking and
 * relative paths are refused with their rule.
 */
export function parseRepoUrl(url: string): RepoTarget {
  if (url !== url.trim() || /[\u0000-\u001f\u007f]/.test(url)) throw new RepoRefused("form", "must not contain whitespace at its ends or control characters");
  if (url.startsWith("-")) throw new RepoRefused("form", 'must not start with "-" (git would read it as an option)');
  if (/^[A-Za-z][A-Za-z0-9+.-]*::/.test(url)) throw new RepoRefused("transport", `the "${url.split("::")[0]}::" remote helper is refused (it can run commands on the server)`);
  if (url.startsWith("/")) return { kind: "local", path: url };
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(url)?.[1]?.toLowerCase();
  if (scheme === "file") return { kind: "local", path: fileURLToPath(url) };
  if (scheme === "https" || scheme === "ssh" || scheme === "git+ssh" || scheme === "ssh+git" || scheme === "http" || scheme === "git") {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new RepoRefused("form", "is not a valid URL");
    }
    const host = parsed.hostname.replace(/^\[|\]$/g, "");
    if (host === "") throw new RepoRefused("form", "has no host");
    const transport = scheme === "https" || scheme === "http" || scheme === "git" ? scheme : "ssh";
    const port = Number(parsed.port || { https: 443, http: 80, git: 9418, ssh: 22 }[transport]);
    return { kind: "remote", url, host, port, transport };
  }
  if (scheme !== undefined) throw new RepoRefused("transport", `${scheme}:// is refused: use https:// or ssh`);
  // scp-like: [user@]host:path, where host has no "/" before the ":".
  const scp = /^(?:[^@/:]+@)?(\[[^\]]+\]|[^/:]+):(?!\/\/)(.*)$/.exec(url);
  if (scp && scp[2] !== "") return { kind: "remote", url, host: scp[1].replace(/^\[|\]$/g, ""), port: 22, transport: "ssh" };
  throw new RepoRefused("local-path", "a relative path is refused: give an absolute path the operator allows, or an https:// or ssh URL");
}

/**
 * Decides whether QA may fetch `url`, resolving the host now (CreateTrace) and again right
 * before cloning (DNS can change). Returns the target with, for a remote, the addresses
 * it resolved to, so the clone can be pinned to them. Throws RepoRefused naming the rule.
 */
export async function checkRepoUrl(url: string, policy: RepoPolicy, io: PolicyIo = systemIo): Promise<{ target: RepoTarget; addresses: string[] }> {
  const target = parseRepoUrl(url);
  const matches = (s: string) => policy.allow.length > 0 && picomatch.isMatch(s, policy.allow as string[], { dot: true });
  if (target.kind === "local") {
    // The real path decides: a symlink must not lead out of what the operator allowed.
    const real = await io.realpath(target.path).catch(() => undefined);
    if (real === undefined) throw new RepoRefused("local-path", `local path ${target.path} does not exist on the server`);
    if (matches(real)) return { target: { kind: "local", path: real }, addresses: [] };
    if (policy.ownLocalPaths && (await io.ownerUid(real)) === io.uid) return { target: { kind: "local", path: real }, addresses: [] };
    throw new RepoRefused("local-path", `local paths and file:// are refused unless DEVTRACE_REPO_ALLOW allows them (${target.path})`);
  }
  if (matches(url)) return { target, addresses: [] };
  if (target.transport === "http" || target.transport === "git") {
    throw new RepoRefused("transport", `${target.transport}:// is refused unless DEVTRACE_REPO_ALLOW allows the URL: unencrypted transports can be read and altered in transit`);
  }
  const addresses = isIP(target.host) ? [target.host] : (await withTimeout(io.lookup(target.host), lookupTimeoutMs, target.host).catch((err: unknown) => {
    throw new RepoRefused("unresolvable", `host ${target.host} does not resolve (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  })).map((a) => a.address);
  if (addresses.length === 0) throw new RepoRefused("unresolvable", `host ${target.host} does not resolve`);
  const bad = addresses.find(isInternalAddress);
  if (bad) throw new RepoRefused("private-host", `host ${target.host} resolves to ${bad}, a loopback, private, link-local or metadata address; only DEVTRACE_REPO_ALLOW can allow it`);
  return { target, addresses };
}

const lookupTimeoutMs = 5_000;

function withTimeout<T>(p: Promise<T>, ms: number, host: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`lookup of ${host} timed out`), { code: "ETIMEOUT" })), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}
