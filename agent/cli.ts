#!/usr/bin/env node
/**
 * The `devtrace` command: dispatches to one module per command, loaded on demand so
 * `devtrace note` and `devtrace shell` start fast.
 */
const commands: Record<string, () => Promise<{ run(argv: string[]): Promise<number> }>> = {
  server: () => import("../server/main.js").then((m) => ({ run: m.runServerCommand })),
  worker: () => import("../server/main.js").then((m) => ({ run: m.runWorkerCommand })),
  agent: () => import("./commands/agent-command.js").then((m) => ({ run: m.runAgentCommand })),
  shell: () => import("./commands/shell-command.js").then((m) => ({ run: m.runShellCommand })),
  note: () => import("./commands/note-command.js").then((m) => ({ run: m.runNoteCommand })),
  lsp: () => import("./commands/lsp-command.js").then((m) => ({ run: m.runLspCommand })),
  status: () => import("./commands/status-command.js").then((m) => ({ run: m.runStatusCommand })),
  finalize: () => import("./commands/finalize-command.js").then((m) => ({ run: m.runFinalizeCommand })),
  traces: () => import("./commands/traces-command.js").then((m) => ({ run: m.runTracesCommand })),
};

const usage = `usage: devtrace <command> [options]

commands:
  server     run the devtrace server (gRPC, gRPC-Web and Connect on one port)
  worker     run a QA worker against a shared MongoDB
  agent      start | stop the background recorder for a repository
  shell      open a recorded terminal
  note       record a thought
  lsp        a language-server proxy that records code navigation
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
    // Bad flags (commands/command-args.ts UsageError carries its usage): exit 2, like the table above.
    const usageText = err instanceof Error && "usage" in err ? String((err as { usage: unknown }).usage) : undefined;
    console.error(`devtrace: ${describeError(err)}${usageText ? `\n\n${usageText}` : ""}`);
    process.exitCode = usageText ? 2 : 1;
  },
);

/** The message and the chain of causes under it, which usually name the file or peer at fault. */
function describeError(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err, depth = 0; e !== undefined && depth < 5; depth++) {
    const message = e instanceof Error ? e.message : String(e);
    if (!parts.some((p) => p.includes(message))) parts.push(message);
    e = e instanceof Error ? e.cause : undefined;
  }
  return parts.join(": ");
}
