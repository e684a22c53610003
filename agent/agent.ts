import { rmSync } from "node:fs";
import { basename } from "node:path";
import type { Logger } from "pino";
import type { Event } from "../gen/devtrace/v1/event_pb.js";
import type { AgentParts, AgentSpool, AgentWatcher } from "./agent-ports.js";
import { createRequestHandler } from "./agent-requests.js";
import { DisposeStack } from "./dispose-stack.js";
import { EventIntake } from "./intake/event-intake.js";
import { IntakeLedger } from "./intake/intake-ledger.js";
import type { AgentLocation } from "./launcher/locate-agent.js";
import { listenLocal, type LocalServer } from "./local/local-server.js";
import { ingestOutboxes } from "./outbox/ingest-outboxes.js";
import { writeFileAtomic } from "./state/atomic-write.js";
import { acquireInstanceLock } from "./state/instance-lock.js";
import { ensureStateDir } from "./state/state-dir.js";
import { SpoolUsageWarning } from "./spool-usage-warning.js";
import { TerminalRegistry } from "./terminal-registry.js";
import { archiveTraceFile, type TraceFile } from "./trace/trace-file.js";
import { TraceRegistration, type TraceIdentity } from "./trace/trace-registration.js";
import type { AgentRedactor } from "./agent-redactor.js";
import { createServerTransport } from "./uplink/server-transport.js";
import { Baseline } from "./watch/baseline.js";
import { Uplink } from "./uplink/uplink.js";
import { eventFromSocketJson } from "./local/editor-event.js";
import type { Trace } from "../gen/devtrace/v1/trace_pb.js";

/** Options of Agent.start(). */
export interface AgentOptions {
  location: AgentLocation;
  /** Opens (or resumes) the repository's trace; called once the lock is held. */
  openTrace: () => Promise<{ file: TraceFile; resumed: boolean }>;
  /** The server of a new trace (a resumed trace stays on the server it was created on) and the bearer token (flags > env > local credentials). */
  serverUrl: string;
  token?: string;
  caFile?: string;
  identity: TraceIdentity;
  logger: Logger;
  parts: AgentParts;
  /** Outbox scan interval (dead shells' records). Default 5 s. */
  outboxScanMs?: number;
  /** `--ask-notes`: recorded shells suggest notes (they learn it from hello). Default false. */
  askNotes?: boolean;
}

/** Live pieces the request handler and status read. */
export interface AgentRuntime {
  readonly options: AgentOptions;
  /** True when the agent resumed a trace a previous agent left open. */
  readonly resumed: boolean;
  /** The server the trace streams to. */
  readonly serverUrl: string;
  readonly startedAt: Date;
  readonly spool: AgentSpool;
  readonly intake: EventIntake;
  readonly uplink: Uplink;
  readonly registration: TraceRegistration;
  /** Redacts what leaves the machine outside events: the final patch, CreateTrace's task. */
  readonly redactor: AgentRedactor;
  readonly terminals: TerminalRegistry;
  readonly watcher: AgentWatcher | undefined;
  /** True while finalize runs. */
  finalizing: boolean;
  /** Set once finalize took the final patch: file and git changes are no longer recorded (a failed finalize clears it). */
  frozen: boolean;
  /** Set when finalize seals (everything accepted is sent, then FinalizeTrace): nothing more is accepted (a failed finalize clears it). */
  sealed: boolean;
  finalized: Trace | undefined;
  requestStop(reason: string): void;
  localServer(): LocalServer | undefined;
  /** Spools what exited shells and offline notes left in the outbox (also runs every few seconds). */
  collectOutboxes(): Promise<void>;
}

/**
 * The background agent of one repository: holds the instance lock, the spool, the uplink,
 * the watchers and the local socket, and closes all of them on every path. start() resolves
 * undefined when another live agent holds the lock.
 */
export class Agent implements AgentRuntime {
  readonly startedAt = new Date();
  readonly terminals = new TerminalRegistry();
  finalizing = false;
  frozen = false;
  sealed = false;
  finalized: Trace | undefined;
  watcher: AgentWatcher | undefined;
  private server: LocalServer | undefined;
  private baseline: Baseline | undefined;
  private stopReason: ((reason: string) => void) | undefined;
  /** Resolves with the reason once something asked the agent to stop. */
  readonly stopped: Promise<string>;

  private constructor(
    readonly options: AgentOptions,
    readonly resumed: boolean,
    readonly spool: AgentSpool,
    readonly intake: EventIntake,
    readonly uplink: Uplink,
    readonly registration: TraceRegistration,
    readonly redactor: AgentRedactor,
    private readonly stack: DisposeStack,
  ) {
    this.stopped = new Promise((resolve) => (this.stopReason = resolve));
  }

  /** Takes the lock and starts every part; undefined when another agent runs for this repository. */
  static async start(options: AgentOptions): Promise<Agent | undefined> {
    const { location, logger } = options;
    const { state } = location;
    ensureStateDir(state);
    const lock = await acquireInstanceLock(state.lockName, `${state.pidFile}.lock`);
    if (!lock) return undefined;
    const stack = new DisposeStack();
    stack.defer("instance lock", () => lock.release());
    try {
      return await Agent.assemble(options, stack);
    } catch (err) {
      await stack.dispose().catch((e: unknown) => logger.error({ err: e }, "cleanup after a failed start failed"));
      throw err;
    }
  }

  private static async assemble(options: AgentOptions, stack: DisposeStack): Promise<Agent> {
    const { location, logger, parts } = options;
    const { state } = location;
    writeFileAtomic(state.pidFile, `${JSON.stringify({ pid: process.pid, startedAt: new Date().toISOString() })}\n`);
    stack.defer("pid file", () => rmSync(state.pidFile, { force: true }));
    let created: Agent | undefined;
    // Runs after the spool closed and before the pid file and the lock go, so whoever waits
    // for the agent to be gone finds the trace archived, and a new agent never resumes it.
    stack.defer("finalized trace", () => created?.forgetFinalizedTrace());
    const { file, resumed } = await options.openTrace();
    const spool = await parts.openSpool(state.spool, logger);
    stack.defer("spool", () => spool.close());
    const redactor = await parts.createRedactor(logger);
    // A resumed trace lives on the server that created it, whatever this start was told.
    const connect = () => createServerTransport({ url: file.serverUrl, token: options.token, caFile: options.caFile });
    connect().close(); // fail fast on a bad URL or an unreadable CA file
    const registration = new TraceRegistration(state.traceFile, file, options.identity, connect, logger, (r) => redactor.createTraceRequest(r));
    const uplink = new Uplink({ spool, ensureTrace: () => registration.ensure(), connect, logger: logger.child({ component: "uplink" }) });
    const usage = new SpoolUsageWarning();
    const intake = new EventIntake({
      redact: (e) => redactor.event(e),
      append: (e) => spool.append(e),
      ledger: IntakeLedger.open(state.intakeLedger),
      onAppended: () => {
        uplink.wake();
        const warning = usage.check(spool.usage());
        if (warning) {
          logger.warn({ usage: spool.usage() }, warning);
          created?.terminals.broadcast({ v: 1, notice: "warning", message: warning });
        }
      },
      logger: logger.child({ component: "intake" }),
    });
    created = new Agent(options, resumed, spool, intake, uplink, registration, redactor, stack);
    uplink.start();
    stack.defer("uplink", () => uplink.close());
    stack.defer("intake", () => intake.settled());
    await created.startInputs();
    return created;
  }

  private async startInputs(): Promise<void> {
    const { location, logger, parts } = this.options;
    const { state, repo } = location;
    await this.ingestOutboxes();
    const scan = setInterval(() => void this.ingestOutboxes(), this.options.outboxScanMs ?? 5_000);
    this.stack.defer("outbox scan", () => clearInterval(scan));
    this.server = await listenLocal(state.socket, createRequestHandler(this), logger.child({ component: "local-socket" }));
    this.stack.defer("local socket", () => this.server?.close());
    this.baseline = Baseline.open(state.baseline, repo.root);
    const caughtUp = await this.baseline.catchUp(this.spool.readFrom(this.baseline.lastSeq + 1n));
    if (caughtUp > 0) logger.info({ events: caughtUp }, "file state caught up with the spool");
    this.watcher = await parts.startWatchers({
      root: repo.root,
      exclude: [],
      onEvent: (event: Event) => void this.acceptWatched(event),
      logger,
      baseline: this.baseline,
    });
    this.stack.defer("watchers", () => this.watcher?.close());
    logger.info({ repo: repo.root, socket: state.socket, traceId: this.registration.current.traceId, resumed: this.resumed }, "agent started");
  }

  private async acceptWatched(event: Event): Promise<void> {
    if (this.frozen) {
      this.options.logger.warn({ kind: event.kind.case }, "a change after the final patch was taken is not recorded");
      return;
    }
    let outcome: Awaited<ReturnType<EventIntake["accept"]>>;
    try {
      outcome = await this.intake.accept(event);
    } catch (err) {
      this.options.logger.error({ err, kind: event.kind.case }, "a watched change could not be spooled");
      return;
    }
    try {
      // Only a spooled change becomes the state a restarted agent compares the files with.
      if (outcome.kind === "spooled") this.baseline?.advance(event, outcome.seq);
    } catch (err) {
      this.options.logger.error({ err, kind: event.kind.case }, "the recorded file state could not be updated; a restart may record this change again");
    }
  }

  /** Spools what exited shells and offline notes left in the outbox. */
  collectOutboxes(): Promise<void> {
    return this.ingestOutboxes(true);
  }

  /** The periodic scan stops at the seal; finalize's own collection (`force`) runs after it. */
  private async ingestOutboxes(force = false): Promise<void> {
    const { location, logger } = this.options;
    if (this.sealed && !force) return;
    await ingestOutboxes(
      location.state.outbox,
      async (record) => {
        const parsed = eventFromSocketJson(record.event, location.repo.root, record.sessionId);
        if ("error" in parsed) {
          logger.warn({ error: parsed.error, sessionId: record.sessionId }, "dropped an invalid outbox record");
          return;
        }
        await this.intake.accept(parsed.value, { record: record.record });
      },
      logger,
    ).catch((err: unknown) => logger.error({ err }, "outbox ingestion failed"));
  }

  /** The server the trace streams to. */
  get serverUrl(): string {
    return this.registration.current.serverUrl;
  }

  /** The listening local socket. */
  localServer(): LocalServer | undefined {
    return this.server;
  }

  /** Asks the agent to stop; the first reason wins. */
  requestStop(reason: string): void {
    this.stopReason?.(reason);
    this.stopReason = undefined;
  }

  /** Closes everything, in reverse order of start, on every path. */
  async close(): Promise<void> {
    const { location, logger } = this.options;
    await this.stack.dispose();
    logger.info({ repo: basename(location.repo.root) }, "agent stopped");
  }

  /** After a successful finalize: the drained spool and trace.json go; the next start opens a new trace. */
  private forgetFinalizedTrace(): void {
    if (!this.finalized) return;
    const { state } = this.options.location;
    rmSync(state.spool, { recursive: true, force: true });
    rmSync(state.intakeLedger, { force: true });
    rmSync(state.baseline, { recursive: true, force: true });
    archiveTraceFile(state.traceFile, state.historyFile, this.registration.current, new Date());
  }
}
