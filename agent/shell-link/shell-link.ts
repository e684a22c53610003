import { rmSync } from "node:fs";
import { toJson } from "@bufbuild/protobuf";
import { EventSchema, type Event } from "../../gen/devtrace/v1/event_pb.js";
import { connectAgent, ensureAgent, type RunningAgent } from "../launcher/ensure-agent.js";
import type { AgentLocation } from "../launcher/locate-agent.js";
import { AgentNotRunningError, AgentRequestError } from "../local/local-client.js";
import { appendOutbox, clearOutbox, outboxFileFor, type OutboxRecord } from "../outbox/outbox-file.js";
import { ensureStateDir } from "../state/state-dir.js";
import { createBackoff } from "../uplink/backoff.js";
import { Signal } from "../uplink/signal.js";

/** Options of new ShellLink(). */
export interface ShellLinkOptions {
  location: AgentLocation;
  sessionId: string;
  /** Shell name for the agent's terminals table. */
  shell: string;
  /** pid of the recorded shell. */
  pid: () => number;
  /** `agent start` flags and environment for an agent this link has to (re)start. */
  startArgs: string[];
  startEnv: Record<string, string>;
  /** Shows a message to the user of the terminal. */
  tell: (message: string) => void;
  /** Called with the agent's answer to each attach (its hello: pid, trace id, askNotes…). */
  onAttached?: (hello: Record<string, unknown>) => void;
  /** Start an agent when none runs (a recorded shell does; `devtrace lsp` only waits for one). Default true. */
  autoStart?: boolean;
}

/**
 * A recorded shell's connection to its agent. Every completed command is numbered and
 * appended (fsync'd) to this shell's outbox file before delivery, delivered in order, and
 * kept until the agent confirms it spooled it. When the agent goes away (crash, kill -9)
 * the link reconnects with back-off and starts a new agent unless the agent was stopped or
 * the trace finalized on purpose; if the shell itself ends first, the next agent spools
 * the outbox file. Records are numbered per session, so redelivery never records twice.
 */
export class ShellLink {
  private readonly outbox: string;
  private readonly queue: OutboxRecord[] = [];
  private nextRecord = 1;
  private agent: RunningAgent | undefined;
  private readonly wake = new Signal();
  private closed = false;
  /** Set when the agent said it was stopped or finalized: do not start a new one. */
  private restartAllowed = true;
  private recording = true;
  private loop: Promise<void> | undefined;
  private lastFailure: string | undefined;
  /** The outbox file holds records (possibly all delivered already). */
  private outboxDirty = false;

  constructor(private readonly options: ShellLinkOptions) {
    ensureStateDir(options.location.state);
    this.outbox = outboxFileFor(options.location.state.outbox, process.pid, options.sessionId);
  }

  /**
   * Connects (starting the agent if none runs) and starts the delivery loop. Never throws:
   * when no agent can be reached the user is told why, records wait in the outbox, and
   * the loop keeps trying. Resolves true when connected at once.
   */
  async start(): Promise<boolean> {
    let connected = false;
    try {
      const agent = this.options.autoStart === false ? await connectAgent(this.options.location, (n) => this.onNotice(n)) : await ensureAgent(this.options.location, this.ensureOptions());
      if (!agent) throw new Error("no agent is running for this repository");
      await this.attach(agent);
      connected = true;
    } catch (err) {
      this.options.tell(`not connected to the devtrace agent (${(err as Error).message.split("\n")[0]}); commands are kept and sent once it answers`);
    }
    this.loop = this.run();
    return connected;
  }

  /** True until the trace was finalized. */
  get isRecording(): boolean {
    return this.recording;
  }

  /** Records one event of this session: durably queued, delivered as soon as the agent can take it. */
  push(event: Event): void {
    this.pushAll([event]);
  }

  /** Records several events with one durable write (one fsync), in order. */
  pushAll(events: Event[]): void {
    if (!this.recording || events.length === 0) return;
    const records: OutboxRecord[] = events.map((event) => {
      event.sessionId = this.options.sessionId;
      return { sessionId: this.options.sessionId, record: this.nextRecord++, event: toJson(EventSchema, event) as Record<string, unknown> };
    });
    appendOutbox(this.outbox, records);
    this.outboxDirty = true;
    this.queue.push(...records);
    this.wake.notify();
  }

  /** Records not yet confirmed by the agent. */
  get pending(): number {
    return this.queue.length;
  }

  /** Tries to deliver what is queued for up to `graceMs`, then disconnects; the outbox keeps the rest. */
  async close(graceMs = 2_000): Promise<void> {
    if (this.queue.length > 0 && this.agent) await this.wake.wait(graceMs, () => this.queue.length === 0 || !this.agent);
    this.closed = true;
    this.wake.notify();
    await this.loop;
    this.agent?.client.close();
    this.agent = undefined;
    // Everything delivered: the empty outbox file goes; otherwise the next agent spools it.
    if (this.queue.length === 0) rmSync(this.outbox, { force: true });
  }

  private ensureOptions() {
    return { startArgs: this.options.startArgs, env: this.options.startEnv, onNotice: (n: Record<string, unknown>) => this.onNotice(n) };
  }

  private async attach(agent: RunningAgent): Promise<void> {
    const hello = await agent.client.request("attach", { sessionId: this.options.sessionId, shell: this.options.shell, pid: this.options.pid() });
    this.options.onAttached?.(hello);
    agent.client.onClose(() => {
      if (this.agent === agent) this.agent = undefined;
      this.wake.notify();
    });
    this.agent = agent;
  }

  private onNotice(notice: Record<string, unknown>): void {
    const message = typeof notice.message === "string" ? notice.message : notice.notice;
    if (notice.notice === "finalized") {
      this.recording = false;
      this.restartAllowed = false;
    }
    if (notice.notice === "stopped") this.restartAllowed = false;
    this.options.tell(String(message));
    if (notice.notice === "finalized") this.dropUnrecorded();
  }

  /** Records the agent refused because the trace was being sealed: the trace is closed now, so say which, and forget them. */
  private dropUnrecorded(): void {
    const left = this.queue.splice(0);
    clearOutbox(this.outbox);
    this.outboxDirty = false;
    if (left.length === 0) return;
    const lines = left.map((r) => {
      const cmd = (r.event as { terminalCommand?: { commandLine?: string } }).terminalCommand?.commandLine;
      return cmd === undefined ? "(an event)" : JSON.stringify(cmd.length > 80 ? `${cmd.slice(0, 77)}...` : cmd);
    });
    this.options.tell(`${left.length} command(s) finished after the trace was sealed and are NOT recorded in it: ${lines.join(", ")}`);
  }

  /** The delivery loop; a failure in it is reported and retried, never ends the terminal. */
  private async run(): Promise<void> {
    while (!this.closed) {
      try {
        await this.deliverAll();
        return;
      } catch (err) {
        this.options.tell(`recording problem: ${(err as Error).message}; retrying`);
        await this.wake.wait(1_000, () => this.closed);
      }
    }
  }

  private async deliverAll(): Promise<void> {
    const backoff = createBackoff({ initialMs: 200, maxMs: 5_000 });
    while (!this.closed) {
      if (!this.agent) {
        if (!this.recording) return;
        if (await this.reconnect()) backoff.reset();
        else await this.wake.wait(backoff.next(), () => this.closed);
        continue;
      }
      if (this.queue.length === 0) {
        if (this.outboxDirty) clearOutbox(this.outbox);
        this.outboxDirty = false;
        await this.wake.wait(60_000, () => this.closed || this.queue.length > 0 || !this.agent);
        continue;
      }
      await this.deliverHead(this.agent);
    }
  }

  private async reconnect(): Promise<boolean> {
    try {
      const agent = this.restartAllowed && this.options.autoStart !== false
        ? await ensureAgent(this.options.location, { ...this.ensureOptions(), timeoutMs: 10_000 })
        : await connectAgent(this.options.location, (n) => this.onNotice(n));
      if (!agent) return false;
      await this.attach(agent);
      // A deliberate stop is over once an agent runs again.
      this.restartAllowed = true;
      if (this.lastFailure) this.options.tell("connected to the devtrace agent again");
      this.lastFailure = undefined;
      return true;
    } catch (err) {
      // The caller backs off and retries; the user hears about each distinct reason once.
      const reason = (err as Error).message.split("\n")[0];
      if (reason !== this.lastFailure) this.options.tell(`cannot reach the devtrace agent (${reason}); retrying, commands are kept`);
      this.lastFailure = reason;
      return false;
    }
  }

  private async deliverHead(agent: RunningAgent): Promise<void> {
    const head = this.queue[0];
    try {
      await agent.client.request("event", { sessionId: head.sessionId, record: head.record, event: head.event });
      this.queue.shift();
      this.wake.notify();
    } catch (err) {
      if (err instanceof AgentNotRunningError) return; // onClose cleared this.agent; the loop reconnects
      if (!(err instanceof AgentRequestError)) throw err;
      if (err.code === "invalid_event") {
        this.queue.shift();
        this.options.tell(`a command record was refused and dropped: ${err.message}`);
      } else {
        // The spool is full, or a finalize is under way (it may still fail): keep the record, retry.
        await this.wake.wait(1_000, () => this.closed);
      }
    }
  }
}
