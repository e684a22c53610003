import { Code, ConnectError, type HandlerContext } from "@connectrpc/connect";
import { create } from "@bufbuild/protobuf";
import type { MessageInitShape } from "@bufbuild/protobuf";
import { DeveloperSchema, EnvironmentSchema } from "../../gen/devtrace/v1/trace_pb.js";
import type { CreateTraceRequest, CreateTraceResponseSchema } from "../../gen/devtrace/v1/trace_service_pb.js";
import { requireRole } from "../auth/access.js";
import { principalOf } from "../auth/principal.js";
import { hashToken } from "../auth/token-hash.js";
import { newSecret, newTraceId } from "../ids.js";
import { validateCreateTraceRequest } from "../validate/create-trace-request.js";
import { summaryOrUndefined } from "../redact/redaction-summary.js";
import { checkRepoUrl, RepoRefused, requestIo, type RepoPolicy } from "../qa/repo-policy.js";
import type { RpcDeps } from "./rpc-deps.js";
import { traceFor } from "./trace-view.js";

/**
 * Starts a trace and hands out its upload token, once; only its hash is stored.
 * An ingest token creates traces under its own developer id: an empty developer.id is
 * filled with it, a different one is refused.
 */
export function createTrace(deps: RpcDeps) {
  return async (req: CreateTraceRequest, ctx: HandlerContext): Promise<MessageInitShape<typeof CreateTraceResponseSchema>> => {
    const p = principalOf(ctx);
    requireRole(p, ["ingest", "admin"], "CreateTrace");
    const developer = create(DeveloperSchema, req.developer ?? {});
    if (developer.id === "") developer.id = p.name;
    validateCreateTraceRequest({ ...req, developer });
    await checkRepoPolicy(req.task!.repoUrl, deps.repoPolicy);
    if (p.role === "ingest" && developer.id !== p.name) {
      throw new ConnectError(
        `developer.id "${developer.id}" is not this token's developer "${p.name}"; leave it empty or use "${p.name}"`,
        Code.PermissionDenied,
      );
    }
    // Validated as sent, stored as redacted: a client that skipped redaction leaks nothing.
    const { value: clean, counts } = await deps.redaction.createTraceRequest({ ...req, developer });
    const uploadToken = newSecret("upload");
    const { trace, created } = await deps.store.createTrace({
      id: newTraceId(deps.now()),
      developer: clean.developer ?? developer,
      task: clean.task!,
      environment: clean.environment ?? create(EnvironmentSchema),
      uploadTokenHash: hashToken(uploadToken),
      requestId: req.requestId === "" ? undefined : req.requestId,
      createdAt: deps.now(),
      redaction: summaryOrUndefined(counts),
    });
    deps.logger.info({ component: "rpc", traceId: trace.id, developerId: developer.id, created }, "trace created");
    return { trace: traceFor(p, trace), uploadToken };
  };
}

/**
 * Refuses a repo_url the repository policy refuses, naming the rule. A host that does not
 * resolve now is accepted: QA checks again right before cloning, when it must resolve.
 */
async function checkRepoPolicy(repoUrl: string, policy: RepoPolicy): Promise<void> {
  try {
    await checkRepoUrl(repoUrl, policy, requestIo());
  } catch (err) {
    if (!(err instanceof RepoRefused)) throw err;
    if (err.rule === "unresolvable") return;
    throw new ConnectError(`task.repo_url: ${err.message} (repository policy rule: ${err.rule})`, Code.InvalidArgument);
  }
}
