import { cpSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { create } from "@bufbuild/protobuf";
import type { Client } from "@connectrpc/connect";
import type { Event } from "../../../../gen/devtrace/v1/event_pb.js";
import { TraceStatus, type Trace } from "../../../../gen/devtrace/v1/trace_pb.js";
import { CreateTraceRequestSchema, type TraceService } from "../../../../gen/devtrace/v1/trace_service_pb.js";
import { sampleImage } from "../../../helpers/infra.js";
import { pollUntil } from "../../../helpers/poll.js";
import { repoRoot } from "../../../helpers/server-process.js";
import { eventOfKind } from "../../../helpers/trace-events.js";
import { tempGitRepo, type TempGitRepo } from "../../../helpers/temp-git-repo.js";

/** sample_repo/ copied into a fresh git repository with one commit, the base of every QA test. */
export function sampleRepoCopy(): { repo: TempGitRepo; baseCommit: string } {
  const repo = tempGitRepo();
  cpSync(join(repoRoot, "sample_repo"), repo.dir, { recursive: true });
  repo.git("add", ".");
  repo.git("commit", "-qm", "sample_repo as shipped (bug #142)");
  return { repo, baseCommit: repo.git("rev-parse", "HEAD") };
}

/** A fixture patch of test/fixtures/sample_repo/. */
export function fixturePatch(name: "fix-correct" | "fix-partial" | "fix-breaks-other"): string {
  return readFileSync(join(repoRoot, "test", "fixtures", "sample_repo", `${name}.patch`), "utf8");
}

/** A short, plausible session: reproduce, note, edit, re-run. */
export function scriptedSession(patch: string): Event[] {
  return [
    eventOfKind(1, { case: "terminalCommand", value: { commandLine: "python3 -m pytest -q", cwd: "~/sample", exitCode: 1, output: "3 failed, 10 passed in 0.05s", durationMs: 700n } }),
    eventOfKind(2, { case: "fileOpened", value: { path: "shopcart/pricing.py", language: "python" } }),
    eventOfKind(3, { case: "thought", value: { text: "The 10-unit tier is skipped because the comparison is > instead of >=; the rules say 10 or more.", tags: ["hypothesis"] } }),
    eventOfKind(4, { case: "fileEdit", value: { path: "shopcart/pricing.py", unifiedDiff: patch, linesAdded: 1, linesRemoved: 1 } }),
    eventOfKind(5, { case: "terminalCommand", value: { commandLine: "python3 -m pytest -q", cwd: "~/sample", exitCode: 0, output: "13 passed in 0.05s", durationMs: 650n } }),
  ];
}

/** Records a trace through the RPCs (CreateTrace, AppendEvents, FinalizeTrace) and returns its id. */
export async function recordTrace(client: Client<typeof TraceService>, o: { repoUrl: string; baseCommit: string; patch: string; testCommand?: string; image?: string; events?: Event[]; testPatch?: string }): Promise<string> {
  const created = await client.createTrace(
    create(CreateTraceRequestSchema, {
      developer: { id: "" },
      task: { description: "Bug #142: 10 units should get the bulk discount", repoUrl: o.repoUrl, baseCommit: o.baseCommit, testImage: o.image ?? sampleImage, testCommand: o.testCommand ?? "python3 -m pytest -q", testPatch: o.testPatch ?? "" },
      environment: { os: "linux", editor: "vim", shell: "bash" },
    }),
  );
  const traceId = created.trace!.id;
  const events = o.events ?? scriptedSession(o.patch);
  if (events.length) await client.appendEvents({ traceId, uploadToken: created.uploadToken, events });
  await client.finalizeTrace({ traceId, uploadToken: created.uploadToken, finalPatch: o.patch });
  return traceId;
}

/** Waits until QA has finished (DONE or FAILED) and returns the trace. */
export async function waitForQa(client: Client<typeof TraceService>, traceId: string, timeoutMs = 150_000): Promise<Trace> {
  let last: Trace | undefined;
  return pollUntil(
    `QA of ${traceId}`,
    async () => {
      last = (await client.getTrace({ traceId })).trace;
      return last && (last.status === TraceStatus.DONE || last.status === TraceStatus.FAILED) ? last : undefined;
    },
    { timeoutMs, intervalMs: 200, describe: () => `${TraceStatus[last?.status ?? 0]} ${last?.statusDetail ?? ""}` },
  );
}

/** The diff (`git diff`, new files included) that `change` makes to the repository's HEAD; the tree is reset after. */
export function patchOf(repo: TempGitRepo, change: (repo: TempGitRepo) => void): string {
  change(repo);
  repo.git("add", "-A");
  const patch = `${repo.git("diff", "--cached", "HEAD")}\n`;
  repo.git("reset", "-q", "--hard", "HEAD");
  return patch;
}
