import { randomUUID } from "node:crypto";
import { create } from "@bufbuild/protobuf";
import { createClient } from "@connectrpc/connect";
import type { Logger } from "pino";
import { CreateTraceRequestSchema, TraceService, type CreateTraceRequest } from "../../gen/devtrace/v1/trace_service_pb.js";
import type { ServerTransport } from "../uplink/server-transport.js";
import type { UplinkTrace } from "../uplink/uplink.js";
import { readTraceFile, writeTraceFile, type TraceFile, type TraceTask } from "./trace-file.js";

/** Who records, and where: sent with CreateTrace. */
export interface TraceIdentity {
  developerId: string;
  developerName: string;
  developerEmail: string;
  os: string;
  shell: string;
  agentVersion: string;
}

/**
 * The repository's open trace: read from trace.json, or started there when none is open.
 * A new trace.json is written before the server is asked, so the agent can record offline.
 * Returns the file and whether it resumed an existing trace.
 */
export function openTraceFile(path: string, fresh: { serverUrl: string; task: TraceTask; identity: TraceIdentity }): { file: TraceFile; resumed: boolean } {
  const existing = readTraceFile(path);
  if (existing) return { file: existing, resumed: true };
  const file: TraceFile = {
    version: 1,
    requestId: randomUUID(),
    serverUrl: fresh.serverUrl,
    task: fresh.task,
    developerId: fresh.identity.developerId,
    developerName: fresh.identity.developerName,
    developerEmail: fresh.identity.developerEmail,
    createdAt: new Date().toISOString(),
  };
  writeTraceFile(path, file);
  return { file, resumed: false };
}

/**
 * Creates the trace on the server the first time it is needed (CreateTrace with the
 * file's request id, so a retry after a crash returns the same trace) and writes the id
 * and upload token to trace.json before anything is streamed.
 */
export class TraceRegistration {
  private pending: Promise<UplinkTrace> | undefined;

  constructor(
    private readonly path: string,
    private file: TraceFile,
    private readonly identity: TraceIdentity,
    private readonly connect: () => ServerTransport,
    private readonly logger: Logger,
    /** Redacts the request (task, environment, developer) before it leaves the machine. Default: sent as is. */
    private readonly redact: (request: CreateTraceRequest) => Promise<CreateTraceRequest> = async (r) => r,
  ) {}

  /** The trace file as it stands. */
  get current(): TraceFile {
    return this.file;
  }

  /** The trace id and upload token, creating the trace on the server when needed. */
  ensure(): Promise<UplinkTrace> {
    if (this.file.traceId && this.file.uploadToken) return Promise.resolve({ traceId: this.file.traceId, uploadToken: this.file.uploadToken });
    this.pending ??= this.createOnServer().finally(() => (this.pending = undefined));
    return this.pending;
  }

  private async createOnServer(): Promise<UplinkTrace> {
    const transport = this.connect();
    try {
      const client = createClient(TraceService, transport.transport);
      const { task, identity } = { task: this.file.task, identity: this.identity };
      const request = await this.redact(
        create(CreateTraceRequestSchema, {
          developer: { id: this.file.developerId, name: this.file.developerName, email: this.file.developerEmail },
          task,
          environment: { os: identity.os, shell: identity.shell, agentVersion: identity.agentVersion, editor: "" },
          requestId: this.file.requestId,
        }),
      );
      const res = await client.createTrace(request, { timeoutMs: 30_000 });
      const traceId = res.trace?.id;
      if (!traceId || !res.uploadToken) throw new Error("CreateTrace answered without a trace id or upload token");
      this.file = { ...this.file, traceId, uploadToken: res.uploadToken };
      writeTraceFile(this.path, this.file);
      this.logger.info({ traceId }, "trace created on the server");
      return { traceId, uploadToken: res.uploadToken };
    } finally {
      transport.close();
    }
  }
}
