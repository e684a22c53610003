import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { ServerOptions } from "./config.js";

/** What a token is needed for: the agent's uploads, or a researcher's reads. */
export type TokenUse = "ingest" | "read";

/** A token found in a local server's credentials.json. */
interface CredentialToken {
  role: string;
  token: string;
}

const loopbackHosts = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);

/** True when the URL names this machine, where the server's credentials.json can be read. */
export function isLoopback(url: string): boolean {
  return loopbackHosts.has(new URL(url).hostname);
}

/**
 * The bearer token to use: --token / DEVTRACE_TOKEN when given; else, for a server on
 * loopback, the matching token of its first-run DATA_DIR/credentials.json (so a newcomer
 * who ran `npm start` needs no hand-made token); else undefined.
 */
export function resolveToken(server: ServerOptions, use: TokenUse): { token?: string; source: string } {
  if (server.token) return { token: server.token, source: "--token/DEVTRACE_TOKEN" };
  if (!isLoopback(server.url)) return { source: "none" };
  for (const dir of server.credentialDirs) {
    const file = join(dir, "credentials.json");
    const tokens = readCredentials(file);
    if (!tokens) continue;
    const wanted = use === "ingest" ? ["ingest", "admin"] : ["read", "admin"];
    for (const role of wanted) {
      const hit = tokens.find((t) => t.role === role);
      if (hit) return { token: hit.token, source: file };
    }
  }
  return { source: "none" };
}

/** The tokens of a credentials.json, or undefined when the file is absent or unreadable. */
export function readCredentials(file: string): CredentialToken[] | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT" || (err as NodeJS.ErrnoException).code === "EACCES") return undefined;
    throw new Error(`cannot read the server credentials ${file}`, { cause: err });
  }
  return tokensOf(raw);
}

/**
 * The server's first run writes {"admin_token","ingest_token","read_token","developer_id"}
 * (server/auth/first-run.ts); every "<role>_token" string is taken as that role's token.
 */
function tokensOf(raw: unknown): CredentialToken[] {
  if (typeof raw !== "object" || raw === null) return [];
  const out: CredentialToken[] = [];
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    const m = /^(\w+)_token$/.exec(key);
    if (m && typeof value === "string" && value !== "") out.push({ role: m[1], token: value });
  }
  return out;
}
