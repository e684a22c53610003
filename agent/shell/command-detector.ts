import { AltScreenFilter } from "./alt-screen-filter.js";
import { BoundedOutput } from "./bounded-output.js";
import { restoreContinuations } from "./continued-line.js";
import { isNoteCommandLine, isRecordedCommandLine } from "./recorded-command-line.js";
import type { OscToken } from "./osc-parser.js";
import { Osc633Kind, type Osc633Message } from "./osc633-message.js";
import { AnsiStripper } from "./strip-ansi.js";

/** One command line that ran in a recorded shell, as the user saw it. */
export interface DetectedCommand {
  /** Exactly as typed (aliases unexpanded). */
  commandLine: string;
  /** Working directory it was typed in; "" when the shell never reported one. */
  cwd: string;
  /** Absent when the shell reported none (it exited, or was killed, while the command ran). */
  exitCode?: number;
  startedAt: Date;
  durationMs: number;
  /** Output with terminal escapes stripped; head and tail kept when long (see BoundedOutput). */
  output: string;
  /** Bytes of stripped output the command produced, and how many of them `output` leaves out. */
  outputBytes: number;
  outputBytesCut: number;
  /** Bytes kept in `output` that were not valid UTF-8 (they read U+FFFD there). */
  outputBytesReplaced: number;
  /** The command drew on the alternate screen (vim, less, top…); those bytes are counted, not kept. */
  fullScreen: boolean;
  fullScreenBytes: number;
  /** e.g. "bash", "zsh". */
  shell: string;
}

/** Options of new CommandDetector(). */
export interface CommandDetectorOptions {
  /** Shell name copied into every command. */
  shell: string;
  /**
   * The session's nonce. When set, E and D sequences without it are ignored, so a program
   * printing OSC 633 cannot make up or end commands. Default: none (trust every sequence,
   * for replaying recordings made by other tools).
   */
  nonce?: string;
  /** Output bytes kept from the start and from the end. Default 32 KiB each. */
  outputHeadBytes?: number;
  outputTailBytes?: number;
  /** Milliseconds since the epoch. Default Date.now. */
  now?: () => number;
  /** Called when a `devtrace note` line starts running (it is not returned as a command). */
  onNote?: () => void;
}

/** A command line that is running: recorded (with its output) or only tracked. */
interface Running {
  commandLine: string;
  cwd: string;
  startedAt: number;
  /** Absent for lines that are not recorded: their output is not kept either. */
  output?: { screen: AltScreenFilter; stripper: AnsiStripper; bounded: BoundedOutput };
}

type Phase =
  | { name: "idle" }
  /** E arrived; C, next, starts the command. */
  | { name: "announced"; commandLine: string }
  | { name: "running"; command: Running };

/**
 * Tracks prompt → command → output → exit from the tokens of an OscParser and returns each
 * completed command. Lines typed with a leading space, empty lines and `devtrace note` are not
 * returned. While a command runs, only D (or a new E: a D got lost) ends it; prompts and
 * properties printed by the command's own output are ignored.
 */
export class CommandDetector {
  private phase: Phase = { name: "idle" };
  private cwd = "";
  /** The command line so far at each continuation prompt of the line being typed (bash). */
  private continued: string[] = [];
  private readonly now: () => number;

  constructor(private readonly options: CommandDetectorOptions) {
    this.now = options.now ?? Date.now;
  }

  /** The working directory last reported by the shell ("" before the first prompt). */
  get currentCwd(): string {
    return this.cwd;
  }

  /** True while a command line runs. */
  get running(): boolean {
    return this.phase.name === "running";
  }

  /** Takes the next token; returns the command it completed, if any. */
  push(token: OscToken): DetectedCommand | undefined {
    if (token.type === "data") {
      if (this.phase.name === "running") this.phase.command.output?.screen.push(token.bytes);
      return undefined;
    }
    if (token.type === "osc633") return this.message(token.message);
    return undefined;
  }

  /** The shell is gone: a command still running completes without an exit code. */
  end(): DetectedCommand | undefined {
    return this.finish(undefined);
  }

  private message(m: Osc633Message): DetectedCommand | undefined {
    const running = this.phase.name === "running";
    switch (m.kind) {
      case Osc633Kind.CommandLine: {
        if (!this.trusted(m.nonce)) return undefined;
        const lost = this.finish(undefined);
        this.phase = { name: "announced", commandLine: restoreContinuations(m.commandLine, this.continued) };
        this.continued = [];
        return lost;
      }
      case Osc633Kind.ContinuationStart: {
        if (!running && m.lineSoFar !== undefined && this.trusted(m.nonce)) this.continued.push(m.lineSoFar);
        return undefined;
      }
      case Osc633Kind.OutputStart:
        if (!running) this.start();
        return undefined;
      case Osc633Kind.CommandFinished:
        return this.trusted(m.nonce) ? this.finish(m.exitCode) : undefined;
      case Osc633Kind.Property:
        if (!running && m.name === "Cwd") this.cwd = m.value;
        return undefined;
      case Osc633Kind.PromptStart:
        if (!running) {
          this.phase = { name: "idle" };
          this.continued = [];
        }
        return undefined;
      default:
        return undefined;
    }
  }

  private trusted(nonce: string | undefined): boolean {
    return this.options.nonce === undefined || nonce === this.options.nonce;
  }

  private start(): void {
    // C without a trusted E: something ran, but what was typed is unknown; it is not recorded.
    const commandLine = this.phase.name === "announced" ? this.phase.commandLine : "";
    const command: Running = { commandLine, cwd: this.cwd, startedAt: this.now() };
    if (isRecordedCommandLine(commandLine)) {
      const bounded = new BoundedOutput({ headBytes: this.options.outputHeadBytes, tailBytes: this.options.outputTailBytes });
      const stripper = new AnsiStripper((bytes) => bounded.push(bytes));
      command.output = { bounded, stripper, screen: new AltScreenFilter((bytes) => stripper.push(bytes)) };
    } else if (isNoteCommandLine(commandLine)) this.options.onNote?.();
    this.phase = { name: "running", command };
  }

  private finish(exitCode: number | undefined): DetectedCommand | undefined {
    if (this.phase.name !== "running") return undefined;
    const { command } = this.phase;
    this.phase = { name: "idle" };
    if (!command.output) return undefined;
    const { screen, stripper, bounded } = command.output;
    screen.end();
    stripper.end();
    const kept = bounded.finish();
    const done: DetectedCommand = {
      commandLine: command.commandLine,
      cwd: command.cwd,
      startedAt: new Date(command.startedAt),
      durationMs: Math.max(0, this.now() - command.startedAt),
      output: kept.text,
      outputBytes: kept.bytes,
      outputBytesCut: kept.bytesCut,
      outputBytesReplaced: kept.bytesReplaced,
      fullScreen: screen.used,
      fullScreenBytes: screen.drawnBytes,
      shell: this.options.shell,
    };
    if (exitCode !== undefined) done.exitCode = exitCode;
    return done;
  }
}
