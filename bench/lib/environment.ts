import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { cpus, release, totalmem } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { repoRoot } from "./paths.js";
import { findTool, versionOf } from "./tools.js";

function pkgVersion(name: string): string {
  try {
    return (JSON.parse(readFileSync(join(repoRoot, "node_modules", name, "package.json"), "utf8")) as { version: string }).version;
  } catch {
    return "?";
  }
}

function sqliteVersion(): string {
  const db = new Database(":memory:");
  try {
    return (db.prepare("SELECT sqlite_version() AS v").get() as { v: string }).v;
  } finally {
    db.close();
  }
}

function tool(name: string, args: string[]): string {
  const bin = findTool(name);
  if (bin === undefined) return "absent";
  // Go binaries built with `go install` carry their module version; ghz itself says "dev".
  try {
    const info = execFileSync("go", ["version", "-m", bin], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    const mod = /^\s*mod\s+\S+\s+(v\S+)/m.exec(info);
    if (mod) return mod[1];
  } catch {
    // No Go toolchain here: fall back to the binary's own answer.
  }
  return versionOf(bin, args).replace(/^version:\s*/, "");
}

/** The machine in one line: CPU model, cores, memory, kernel. */
export function machineLine(): string {
  const c = cpus();
  return `${c[0]?.model.trim() ?? "?"}, ${c.length} cores, ${(totalmem() / 1024 ** 3).toFixed(1)} GiB RAM, Linux ${release()}`;
}

/** Versions of everything a figure depends on, in one line. */
export function versionsLine(): string {
  const commit = versionOf("git", ["-C", repoRoot, "rev-parse", "--short", "HEAD"]);
  const dirty = versionOf("git", ["-C", repoRoot, "status", "--porcelain", "--", "agent", "server", "gen", "proto"]) === "" ? "" : " + uncommitted changes";
  return [
    `devtrace ${pkgVersion("..")} @ ${commit}${dirty}`,
    `node ${process.version}`,
    `better-sqlite3 ${pkgVersion("better-sqlite3")} (SQLite ${sqliteVersion()})`,
    `@connectrpc/connect-node ${pkgVersion("@connectrpc/connect-node")}`,
    `@grpc/grpc-js ${pkgVersion("@grpc/grpc-js")}`,
    `@bufbuild/protobuf ${pkgVersion("@bufbuild/protobuf")}`,
    `mongodb ${pkgVersion("mongodb")}`,
    `node-pty ${pkgVersion("node-pty")}`,
    `FerretDB ${tool("ferretdb", ["--version"])}`,
    `ghz ${tool("ghz", ["--version"])}`,
    `Docker ${versionOf("docker", ["version", "--format", "{{.Server.Version}}"])}`,
  ].join(", ");
}
