import { parseArgs, type ParseArgsConfig } from "node:util";

/** Bad command-line usage: the CLI prints the message and the command's usage, exit code 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly usage: string,
  ) {
    super(message);
  }
}

/** Options every command that talks to the server or an agent understands. */
export const commonOptions = {
  repo: { type: "string" },
  server: { type: "string" },
  token: { type: "string" },
  ca: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const satisfies NonNullable<ParseArgsConfig["options"]>;

/** Help lines for commonOptions. */
export const commonHelp = `  --repo DIR      the repository (default: the one containing the current directory)
  --server URL    devtrace server (env DEVTRACE_SERVER, default http://127.0.0.1:50051)
  --token TOKEN   bearer token (env DEVTRACE_TOKEN; a local server's credentials.json otherwise)
  --ca FILE       PEM of the private CA that signed an https:// server's certificate (env DEVTRACE_CA)`;

/** util.parseArgs in strict mode, turning its TypeErrors into UsageError. */
export function parseCommandArgs<const O extends NonNullable<ParseArgsConfig["options"]>>(
  argv: string[],
  options: O,
  usage: string,
  allowPositionals = false,
) {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message, usage);
  }
}
