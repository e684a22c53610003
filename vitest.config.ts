import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Native addons (node-pty, better-sqlite3) and real child processes are happiest in forks.
    pool: "forks",
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // A 2-core machine: real servers, ptys and containers; keep parallelism modest.
    maxWorkers: 2,
  },
});
