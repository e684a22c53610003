#!/usr/bin/env node
/**
 * The `devtrace` command: dispatches to one module per command, loaded on demand so
 * `devtrace note` and `devtrace shell` start fast.
 */
const commands: Record<string, () => Promise<{ run(argv: string[]): Promise<number> }>> = {
  server: () => import("../server/main.js").then((m) => ({ run: m.runServerCommand })),
  worker: () => import("../server/main.js").then((m) => ({ run: m.runWorkerCommand })),
};

const usage = `usage: devtrace <command> [options]

commands:
  server     run the devtrace server (gRPC, gRPC-Web and Connect on one port)
  worker     run a QA worker against a shared MongoDB
  agent      start | stop the background recorder for a repository
  shell      open a recorded terminal
  note       record a thought
  status     show the agent's state
  finalize   seal the trace and start QA
  traces     list | get | export traces (researchers)

Run "devtrace <command> --help" for a command's options.`;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    console.log(usage);
    return name ? 0 : 2;
  }
  const load = commands[name];
  if (!load) {
    console.error(`devtrace: unknown command "${name}"\n\n${usage}`);
    return 2;
  }
  const command = await load();
  return command.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(`devtrace: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  },
);
