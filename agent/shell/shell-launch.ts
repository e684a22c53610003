import { basename, join } from "node:path";

/** Shells whose commands devtrace can record. */
export type IntegratedShell = "bash" | "zsh";

/** How to start a shell in a recorded terminal. */
export interface ShellLaunch {
  file: string;
  args: string[];
  env: Record<string, string>;
  /** Shell name for the records, e.g. "bash"; the basename for other shells. */
  shell: string;
  /** The integration injected, or undefined when the shell runs plain (unrecorded). */
  integration: IntegratedShell | undefined;
  /** One line for the user when the terminal works but is not recorded. */
  warning?: string;
}

/** Inputs of shellLaunch(). */
export interface ShellLaunchOptions {
  /** The user's shell ($SHELL): a path or a name on PATH. */
  shell: string;
  /** The environment the shell starts from (the user's). */
  env: Record<string, string | undefined>;
  sessionId: string;
  /** Per-session secret the scripts put on E and D; removed from the environment the user sees. */
  nonce: string;
  /** Start a login shell (reads the profile files instead of ~/.bashrc). Default false. */
  login?: boolean;
  /** Where the integration scripts are (shellScriptsDir()). */
  scriptsDir: string;
}

/** Variables devtrace passes to its scripts only; never inherited from a surrounding session. */
const PRIVATE_VARIABLES = ["DEVTRACE_NONCE", "DEVTRACE_SHELL_LOGIN", "DEVTRACE_USER_ZDOTDIR"];

/** The shell a path names, for picking an integration: "/usr/bin/zsh" → "zsh", "-bash" → "bash". */
export function shellName(shell: string): string {
  return basename(shell).replace(/^-/, "");
}

/**
 * The command, arguments and environment that start `shell` with devtrace's integration:
 * bash reads scripts/devtrace.bash as its --rcfile (which sources ~/.bashrc), zsh gets
 * ZDOTDIR=scripts/zsh (whose files source the user's). Any other shell runs as it is, with a
 * warning. No user file is touched.
 */
export function shellLaunch(options: ShellLaunchOptions): ShellLaunch {
  const name = shellName(options.shell);
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(options.env)) if (v !== undefined && !PRIVATE_VARIABLES.includes(k)) env[k] = v;
  env.DEVTRACE_SESSION_ID = options.sessionId;
  env.TERM ||= "xterm-256color";
  const login = options.login ?? false;
  if (name === "bash") {
    env.DEVTRACE_NONCE = options.nonce;
    if (login) env.DEVTRACE_SHELL_LOGIN = "1";
    const rcfile = join(options.scriptsDir, "devtrace.bash");
    return { file: options.shell, args: ["--rcfile", rcfile, "-i"], env, shell: name, integration: "bash" };
  }
  if (name === "zsh") {
    env.DEVTRACE_NONCE = options.nonce;
    if (options.env.ZDOTDIR !== undefined) env.DEVTRACE_USER_ZDOTDIR = options.env.ZDOTDIR;
    env.ZDOTDIR = join(options.scriptsDir, "zsh");
    return { file: options.shell, args: login ? ["-i", "-l"] : ["-i"], env, shell: name, integration: "zsh" };
  }
  return {
    file: options.shell,
    args: login ? ["-l"] : [],
    env,
    shell: name,
    integration: undefined,
    warning: `devtrace: ${name} is not bash or zsh; this terminal works, but its commands are not recorded`,
  };
}
