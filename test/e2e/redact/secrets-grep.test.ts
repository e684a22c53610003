import { execFileSync } from "node:child_process";
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createClient } from "@connectrpc/connect";
import Database from "better-sqlite3";
import { afterAll, beforeAll, expect, it } from "vitest";
import { TraceService } from "../../../gen/devtrace/v1/trace_service_pb.js";
import { completion, judgement, startFakeOpenAi, type FakeOpenAi } from "../../helpers/fake-openai.js";
import { describeWith, findTool, sampleImage } from "../../helpers/infra.js";
import { cliPath, repoRoot, spawnServer, type ServerProcess } from "../../helpers/server-process.js";
import { sqliteFileName } from "../../../server/store/sqlite-store.js";
import { grpcTransport } from "../../helpers/devtrace-server.js";
import { tempGitRepo, type TempGitRepo } from "../../helpers/temp-git-repo.js";
import { corpusSecrets, type CorpusSecret } from "../../fixtures/redact/corpus.js";
import { noteAbout, proseValue, taskAbout } from "../../fixtures/redact/corpus-paths.js";
import { CliTerminal, devtrace, testHome } from "../agent/cli-terminal.js";

/**
 * Every corpus kind goes through every path a developer uses — the task text, the origin
 * URL, typed in a recorded bash, printed by cat, saved in the working tree (file events and
 * the final patch), written in a note — through a real agent, a real server and QA (tests in
 * Docker, a local OpenAI-compatible judge). Then every place a secret could land is grepped:
 * the agent's spool, the server's database files and rows, GetTrace, ExportTraces and the
 * request the judge received.
 */
let server: ServerProcess | undefined;
let fake: FakeOpenAi | undefined;
let repo: TempGitRepo | undefined;
let home: { home: string; bin: string } | undefined;
let term: CliTerminal | undefined;
let env: Record<string, string>;

beforeAll(() => {
  if (!existsSync(cliPath)) execFileSync("npx", ["tsc", "-p", "tsconfig.json"], { cwd: repoRoot, stdio: "inherit" });
});

afterAll(async () => {
  term?.kill();
  if (repo) {
    await devtrace(["agent", "stop", "--timeout", "0"], { cwd: repo.dir, env }).catch(() => undefined);
    repo[Symbol.dispose]();
  }
  if (server) await server[Symbol.asyncDispose]();
  await fake?.close();
  if (home) rmSync(home.home, { recursive: true, force: true });
});

/** One secret of each kind: the e2e stays short, the unit corpus covers the rest. */
function onePerKind(): CorpusSecret[] {
  const seen = new Set<string>();
  return corpusSecrets().filter((s) => !seen.has(s.kind) && seen.add(s.kind));
}

/** The parts of a secret that must appear nowhere (each line of a key block). */
function needles(s: CorpusSecret): string[] {
  return s.secret.split("\n").filter((l) => l.length >= 12 && !/^-----(BEGIN|END) /.test(l));
}

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

/** The secrets (by kind) found in `text`, with where. */
function leaks(where: string, text: string, secrets: CorpusSecret[]): string[] {
  return secrets.filter((s) => needles(s).some((n) => text.includes(n) || text.includes(encodeURIComponent(n)))).map((s) => `${where}: ${s.kind}`);
}

async function waitFor(what: string, done: () => Promise<boolean> | boolean, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describeWith(["docker", "sample-image"], "secrets never leave the machine", () => {
  it("no corpus secret reaches the spool, the database, GetTrace, ExportTraces or the judge", { timeout: 600_000 }, async () => {
    const secrets = onePerKind();
    fake = await startFakeOpenAi(completion(judgement(4)));
    server = await spawnServer({ args: ["--workers", "1"], env: { OPENAI_API_KEY: "test-key", OPENAI_BASE_URL: fake.baseUrl } });
    home = testHome();
    repo = tempGitRepo();
    const r = repo;
    cpSync(join(repoRoot, "sample_repo"), r.dir, { recursive: true });
    r.git("add", "-A");
    r.git("-c", "user.name=Dev", "-c", "user.email=dev@example.test", "commit", "-qm", "shopcart with bug #142");
    // The origin URL carries a token; QA can still clone it once its userinfo is gone.
    const urlSecret = secrets.find((s) => s.kind === "GitLab token")!;
    r.git("remote", "add", "origin", `file://ci:${encodeURIComponent(urlSecret.secret)}@localhost${r.dir}`);
    env = {
      PATH: `${home.bin}:${process.env.PATH ?? "/usr/bin:/bin"}`,
      HOME: home.home,
      LANG: "C.UTF-8",
      DEVTRACE_SERVER: server.url,
      DEVTRACE_TOKEN: server.credentials().ingest_token,
      GIT_CONFIG_NOSYSTEM: "1",
    };
    const bare = secrets.map((s) => proseValue(s.secret, s.line));
    const start = await devtrace(
      ["agent", "start", "--task", taskAbout(bare.join("\n")), "--test-command", "python3 -m pytest -q", "--test-image", sampleImage],
      { cwd: r.dir, env },
    );
    expect(start.code, start.stderr).toBe(0);

    // Typed in a recorded bash (as arguments of `:`, so nothing runs), then printed by cat.
    term = new CliTerminal({ cwd: r.dir, env, shell: findTool("bash")! });
    await term.ready();
    await term.type("set +H");
    const typeable = secrets.filter((s) => !s.line.includes("\n") && (s.line.match(/'/g) ?? []).length % 2 === 0 && (s.line.match(/"/g) ?? []).length % 2 === 0);
    expect(typeable.length).toBeGreaterThanOrEqual(40);
    for (const s of typeable) await term.type(`: ${s.line}`);
    const printed = join(home.home, "deploy-notes.txt");
    writeFileSync(printed, `${secrets.map((s) => s.line).join("\n")}\n`);
    await term.type(`cat ${printed}`);
    // Saved in the working tree: file events while recording, and the final patch.
    r.write("config/secrets.env", `${secrets.map((s) => s.line).join("\n")}\n`);
    const note = await devtrace(["note", noteAbout(bare.join("\n"))], { cwd: r.dir, env });
    expect(note.code, note.stderr).toBe(0);
    r.git("apply", join(repoRoot, "test/fixtures/sample_repo/fix-correct.patch"));
    await term.exit();
    await waitFor("every event acknowledged", async () => {
      const s = JSON.parse((await devtrace(["status", "--json"], { cwd: r.dir, env })).stdout) as { events?: { recorded: string; queued: string } };
      return s.events !== undefined && s.events.queued === "0" && Number(s.events.recorded) >= typeable.length + 3;
    });
    const spool = filesUnder(join(r.dir, ".git", "devtrace", "spool")).concat(filesUnder(join(r.dir, ".git", "devtrace", "outbox")));
    expect(spool.length).toBeGreaterThan(0);
    const found = spool.flatMap((f) => leaks(`spool ${f}`, readFileSync(f, "latin1"), secrets));

    const fin = await devtrace(["finalize", "--wait"], { cwd: r.dir, env, timeoutMs: 540_000 });
    const traceId = /trace (\S+) finalized/.exec(fin.stdout)?.[1];
    expect(traceId, `${fin.stdout}\n${fin.stderr}`).toBeDefined();
    expect(fake.requests.length, `the judge was never asked:\n${fin.stdout}\n${fin.stderr}`).toBeGreaterThan(0);

    const read = createClient(TraceService, grpcTransport(server.url, server.credentials().read_token));
    const got = await read.getTrace({ traceId: traceId!, includeEvents: true });
    const json = (v: unknown) => JSON.stringify(v, (_k, x: unknown) => (typeof x === "bigint" ? String(x) : x));
    found.push(...leaks("GetTrace", json(got), secrets));
    const exported: unknown[] = [];
    for await (const m of read.exportTraces({})) exported.push(m);
    expect(exported.length).toBe(1);
    found.push(...leaks("ExportTraces", json(exported), secrets));
    found.push(...leaks("judge request", json(fake.requests.map((q) => q.body)), secrets));
    // The database: its files byte for byte, and every row decoded (a long value may span pages).
    for (const f of filesUnder(server.dataDir)) found.push(...leaks(`server file ${f}`, readFileSync(f, "latin1"), secrets));
    found.push(...leaks("server log", server.output(), secrets));
    const db = new Database(join(server.dataDir, sqliteFileName), { readonly: true, fileMustExist: true });
    try {
      const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[];
      for (const { name } of tables) {
        const rows = db.prepare(`SELECT * FROM "${name}"`).all() as Record<string, unknown>[];
        const text = rows.map((row) => Object.values(row).map((v) => (Buffer.isBuffer(v) ? v.toString("latin1") : String(v))).join("\t")).join("\n");
        found.push(...leaks(`table ${name}`, text, secrets));
      }
    } finally {
      db.close();
    }
    expect(found, "secrets that left the machine").toEqual([]);

    // What was stored is still useful: markers where the secrets were, the task and patch readable.
    expect(got.trace?.task?.repoUrl).toBe(`file://localhost${r.dir}`);
    expect(got.trace?.task?.description).toContain("Checkout fails in staging");
    expect(got.trace?.finalPatch).toContain("[REDACTED:");
    expect(got.trace?.finalPatch).toContain("bulk_discount");
    expect(got.events.some((e) => e.kind.case === "terminalCommand" && e.kind.value.commandLine.startsWith(": mysql -h db.internal -u app -p[REDACTED:"))).toBe(true);
  });
});
