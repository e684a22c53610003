import { readFileSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "./config.js";

let cached: string | undefined;

/** The devtrace package version, as sent in Environment.agent_version. */
export function agentVersion(): string {
  if (cached) return cached;
  const root = packageRoot();
  try {
    cached = root ? (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string }).version : "0.0.0";
  } catch (err) {
    throw new Error(`cannot read the devtrace package.json under ${root}`, { cause: err });
  }
  return cached;
}
