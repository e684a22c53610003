import type { DetectedCommand } from "./command-detector.js";

/** Test runners whose failure is a moment worth a note (the first word or two of the line). */
const testCommand =
  /(^|[;&|]\s*|\s)(pytest|py\.test|python3? -m (pytest|unittest)|tox|nox|(npm|yarn|pnpm|bun)( run)? test|npx (vitest|jest|mocha)|vitest|jest|mocha|go test|cargo (test|nextest)|mvn( \S+)* test|gradlew? test|make (test|check)|ctest|rspec|phpunit|dotnet test|mix test)(\s|$)/;

/** Options of new NotePrompter(). */
export interface NotePrompterOptions {
  /**
   * Shows one line to the user, between a command's output and the next prompt;
   * `atLineStart` is false when the output did not end with a newline.
   */
  print: (line: string, atLineStart: boolean) => void;
  /** Fewest milliseconds between two suggestions. Default 10 minutes. */
  minIntervalMs?: number;
  /** Commands without a note after which a note is suggested. Default 15. */
  stretch?: number;
  /** Clock in ms. Default Date.now. */
  now?: () => number;
}

/**
 * `devtrace agent start --ask-notes`: after a failing test command, or after a stretch of
 * commands with no note, suggests `devtrace note "…"` in one discreet line. Off until
 * enable(); at most one line per interval; only between commands (a command that has ended
 * is no longer drawing, full-screen or not), never while one runs.
 */
export class NotePrompter {
  private on = false;
  private lastAsked = Number.NEGATIVE_INFINITY;
  private sinceNote = 0;
  private readonly now: () => number;

  constructor(private readonly options: NotePrompterOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Starts suggesting (the agent said it was started with --ask-notes). */
  enable(): void {
    this.on = true;
  }

  /** True once enable() was called. */
  get enabled(): boolean {
    return this.on;
  }

  /** The user wrote a note in this terminal. */
  noted(): void {
    this.sinceNote = 0;
  }

  /** A command ended; its output is on the screen and the prompt comes next. */
  afterCommand(command: DetectedCommand): void {
    if (!this.on) return;
    this.sinceNote++;
    const failedTest = command.exitCode !== undefined && command.exitCode !== 0 && isTestCommand(command.commandLine);
    const stretch = this.sinceNote >= (this.options.stretch ?? 15);
    if (!failedTest && !stretch) return;
    const now = this.now();
    if (now - this.lastAsked < (this.options.minIntervalMs ?? 10 * 60_000)) return;
    this.lastAsked = now;
    this.sinceNote = 0;
    this.options.print(
      failedTest
        ? `tests failed: what do you make of it? devtrace note "…" records your reasoning`
        : `a while without a note: devtrace note "…" records what you are trying`,
      command.output === "" || command.output.endsWith("\n"),
    );
  }
}

/** Whether a command line runs a test suite. */
export function isTestCommand(commandLine: string): boolean {
  return testCommand.test(commandLine.trim());
}
