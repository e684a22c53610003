import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { resolveToken } from "../../../agent/credentials.js";

const dirs: string[] = [];
function credentialsDir(content: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), "devtrace-creds-"));
  dirs.push(dir);
  writeFileSync(join(dir, "credentials.json"), JSON.stringify(content));
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const firstRun = { admin_token: "adm", ingest_token: "ing", read_token: "rd", developer_id: "me", created_at: "2026-01-01T00:00:00Z" };

describe("resolveToken()", () => {
  it("prefers --token / DEVTRACE_TOKEN over any credentials file", () => {
    const dir = credentialsDir(firstRun);
    expect(resolveToken({ url: "http://127.0.0.1:50051", token: "given", credentialDirs: [dir] }, "ingest").token).toBe("given");
  });

  it("takes the ingest token of a local server's first-run credentials for the agent", () => {
    const dir = credentialsDir(firstRun);
    expect(resolveToken({ url: "http://127.0.0.1:50051", credentialDirs: ["/nonexistent", dir] }, "ingest")).toEqual({
      token: "ing",
      source: join(dir, "credentials.json"),
    });
  });

  it("takes the read token for researcher commands", () => {
    const dir = credentialsDir(firstRun);
    expect(resolveToken({ url: "http://localhost:50051", credentialDirs: [dir] }, "read").token).toBe("rd");
  });

  it("never sends a local credentials file's token to a remote server", () => {
    const dir = credentialsDir(firstRun);
    expect(resolveToken({ url: "https://devtrace.example.com", credentialDirs: [dir] }, "ingest").token).toBeUndefined();
  });

  it("falls back to the admin token when the file has no token of the role", () => {
    const dir = credentialsDir({ admin_token: "adm" });
    expect(resolveToken({ url: "http://127.0.0.1:1", credentialDirs: [dir] }, "read").token).toBe("adm");
  });
});
