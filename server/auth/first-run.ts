import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { Logger } from "pino";
import { newSecret } from "../ids.js";
import type { Role, TraceStore } from "../store/store.js";
import { hashToken } from "./token-hash.js";

/** The file a first run writes its tokens to, inside the data directory (mode 0600). */
export const credentialsFileName = "credentials.json";

/** What credentials.json holds: one clear token per role. */
export interface Credentials {
  admin_token: string;
  ingest_token: string;
  read_token: string;
  /** The developer id the ingest token creates traces under. */
  developer_id: string;
  created_at: string;
}

/** Options of ensureCredentials(). */
export interface EnsureCredentialsOptions {
  store: TraceStore;
  dataDir: string;
  logger: Logger;
  /** DEVTRACE_TOKEN: registered as an admin token (its hash); no credentials file is made then. */
  envToken?: string;
  /** Name of the first-run ingest token (the developer id of its traces). */
  developerId: string;
  now?: Date;
}

/**
 * Makes sure someone can call the server without editing anything. With DEVTRACE_TOKEN
 * set, that token becomes an admin token. Otherwise the first start writes an admin,
 * an ingest and a read token to DATA_DIR/credentials.json (0600) and stores only their
 * hashes; later starts re-register the hashes from that file (e.g. after the store moved).
 * Returns the file's path and whether this start created it; undefined with DEVTRACE_TOKEN.
 */
export async function ensureCredentials(
  o: EnsureCredentialsOptions,
): Promise<{ file: string; created: boolean } | undefined> {
  const log = o.logger.child({ component: "auth" });
  const now = o.now ?? new Date();
  if (o.envToken !== undefined) {
    await o.store.putApiToken({ hash: hashToken(o.envToken), role: "admin", name: "DEVTRACE_TOKEN", createdAt: now });
    log.info("DEVTRACE_TOKEN registered as an admin token");
    return undefined;
  }
  const file = resolve(join(o.dataDir, credentialsFileName));
  let creds = await readCredentials(file);
  const fresh = creds === undefined;
  if (!creds) {
    creds = {
      admin_token: newSecret("api"),
      ingest_token: newSecret("api"),
      read_token: newSecret("api"),
      developer_id: o.developerId,
      created_at: now.toISOString(),
    };
  }
  const tokens: Array<[Role, string, string]> = [
    ["admin", creds.admin_token, "first-run admin"],
    ["ingest", creds.ingest_token, creds.developer_id],
    ["read", creds.read_token, "first-run read"],
  ];
  for (const [role, token, name] of tokens) {
    const hash = hashToken(token);
    if (!(await o.store.findApiToken(hash))) await o.store.putApiToken({ hash, role, name, createdAt: now });
  }
  if (fresh) {
    await writeCredentials(file, creds);
    log.info(
      { file, developerId: creds.developer_id },
      `first run: wrote admin, ingest and read tokens to ${file} (mode 0600). ` +
        `To record traces: export DEVTRACE_TOKEN=$(node -p 'require("${file}").ingest_token')`,
    );
  } else {
    log.info({ file }, `tokens from ${file} are active`);
  }
  return { file, created: fresh };
}

async function readCredentials(file: string): Promise<Credentials | undefined> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new Error(`cannot read ${file}`, { cause: err });
  }
  const c = JSON.parse(text) as Partial<Credentials>;
  if (!c.admin_token || !c.ingest_token || !c.read_token || !c.developer_id) {
    throw new Error(`${file} is incomplete; move it away to generate new tokens`);
  }
  return c as Credentials;
}

async function writeCredentials(file: string, creds: Credentials): Promise<void> {
  await mkdir(resolve(file, ".."), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(creds, null, 2)}\n`, { mode: 0o600 });
  await rename(tmp, file);
}
