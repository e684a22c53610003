import { create, toBinary } from "@bufbuild/protobuf";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { EventSchema } from "../../../gen/devtrace/v1/event_pb.js";
import { corpusSecrets } from "../../fixtures/redact/corpus.js";
import { diffAdding } from "../../fixtures/redact/corpus-paths.js";
import { createTestServer, testTokens, type TestServer } from "../../helpers/devtrace-server.js";
import { eventOfKind, newTraceRequest } from "../../helpers/trace-events.js";

const secrets = corpusSecrets();
const gh = secrets.find((s) => s.kind === "GitHub classic token")!.secret;
const glpat = secrets.find((s) => s.kind === "GitLab token")!.secret;
const mysql = secrets.find((s) => s.kind === "mysql -p password")!;
const json = (v: unknown) => JSON.stringify(v, (_k, x: unknown) => (typeof x === "bigint" ? String(x) : x));

/**
 * A client that never ran a redactor (grpcurl, a service, an old agent) sends secrets on
 * every field; the server stores none of them.
 */
describe("server-side redaction", () => {
  let srv: TestServer;
  beforeEach(async () => {
    srv = await createTestServer();
  });
  afterEach(async () => {
    await srv[Symbol.asyncDispose]();
  });

  it("stores no secret a client sent in clear text, and keeps what a client already redacted", async () => {
    const alice = srv.client(testTokens.ingest);
    const req = newTraceRequest();
    req.task!.description = `staging fails since the rotation; the old token was ${gh}`;
    req.task!.repoUrl = `https://oauth2:${glpat}@gitlab.example.com/acme/shop.git`;
    req.task!.branch = `fix/${gh}`;
    req.environment = { $typeName: "devtrace.v1.Environment", os: "linux", editor: "", editorVersion: "", shell: "bash", agentVersion: `x ${gh}`, plugins: [] };
    const created = await alice.createTrace(req);
    const traceId = created.trace!.id;
    expect(json(created.trace)).not.toContain(gh);
    expect(created.trace!.task!.repoUrl).toBe("https://gitlab.example.com/acme/shop.git");

    const events = [
      eventOfKind(1, { case: "terminalCommand", value: { commandLine: mysql.line, cwd: "/srv/app", output: `GITHUB_TOKEN=${gh}\n` } }),
      eventOfKind(2, { case: "fileEdit", value: { path: "config/app.env", unifiedDiff: diffAdding(`GITHUB_TOKEN=${gh}`) } }),
      eventOfKind(3, { case: "thought", value: { text: `pasted by mistake: ${gh}`, tags: [] } }),
      eventOfKind(4, { case: "thought", value: { text: "already redacted: [REDACTED:github]", tags: [] } }),
    ];
    await alice.appendEvents({ traceId, uploadToken: created.uploadToken, events });
    await alice.finalizeTrace({ traceId, uploadToken: created.uploadToken, finalPatch: diffAdding(`export GITHUB_TOKEN=${gh}`) });

    const got = await srv.client(testTokens.read).getTrace({ traceId, includeEvents: true });
    const text = json(got);
    for (const s of [gh, glpat, mysql.secret]) expect(text).not.toContain(s);
    const [cmd, edit, note, kept] = got.events.map((e) => e.kind);
    expect(cmd.case === "terminalCommand" && cmd.value.commandLine).toBe("mysql -h db.internal -u app -p[REDACTED:password-argument] orders");
    expect(cmd.case === "terminalCommand" && cmd.value.cwd).toBe("/srv/app");
    expect(edit.case === "fileEdit" && edit.value.unifiedDiff).toBe(diffAdding("GITHUB_TOKEN=[REDACTED:github]"));
    expect(note.case === "thought" && note.value.text).toBe("pasted by mistake: [REDACTED:github]");
    expect(kept.case === "thought" && kept.value.text).toBe("already redacted: [REDACTED:github]");
    expect(got.trace!.finalPatch).toBe(diffAdding("export GITHUB_TOKEN=[REDACTED:github]"));
    expect(got.trace!.task!.branch).toBe("fix/[REDACTED:github]");

    // Researchers see what each side redacted, by rule: the trace's own fields and each event.
    const count = (rule: string, client: number, server: number) => expect.objectContaining({ rule, client: BigInt(client), server: BigInt(server) });
    expect(got.trace!.redaction?.counts).toEqual([count("github", 0, 4), count("url-userinfo", 0, 1)]);
    expect(got.events.map((e) => e.redaction?.counts)).toEqual([
      [count("github", 0, 1), count("password-argument", 0, 1)],
      [count("github", 0, 1)],
      [count("github", 0, 1)],
      [count("github", 1, 0)],
    ]);
  });

  it("stores an event whose 900 KB output repeats what the rules key on, with the secret in it redacted", async () => {
    const alice = srv.client(testTokens.ingest);
    const created = await alice.createTrace(newTraceRequest());
    // One line: a rule that rescanned the line per match would take minutes here.
    const output = `${"mysql password=set token machine h login u ".repeat(20_000)} GITHUB_TOKEN=${gh}`;
    const event = eventOfKind(1, { case: "terminalCommand", value: { commandLine: "cat hostile.log", cwd: "/srv", output } });
    const ack = await alice.appendEvents({ traceId: created.trace!.id, uploadToken: created.uploadToken, events: [event] });
    expect(ack.ackedSeq).toBe(1n);
    const got = await srv.client(testTokens.read).getTrace({ traceId: created.trace!.id, includeEvents: true });
    const kind = got.events[0].kind;
    expect(kind.case === "terminalCommand" && kind.value.output.endsWith("GITHUB_TOKEN=[REDACTED:github]")).toBe(true);
  });

  it("replaces the redaction counts a client claims with its own", async () => {
    const alice = srv.client(testTokens.ingest);
    const created = await alice.createTrace(newTraceRequest());
    const event = eventOfKind(1, { case: "thought", value: { text: "nothing secret here", tags: [] } });
    event.redaction = { $typeName: "devtrace.v1.RedactionSummary", counts: [{ $typeName: "devtrace.v1.RedactionCount", rule: "github", client: 99n, server: 0n }] };
    await alice.appendEvents({ traceId: created.trace!.id, uploadToken: created.uploadToken, events: [event] });
    const got = await srv.client(testTokens.read).getTrace({ traceId: created.trace!.id, includeEvents: true });
    expect(got.events[0].redaction).toBeUndefined();
  });

  it("drops fields this server does not know instead of storing them unread", async () => {
    const alice = srv.client(testTokens.ingest);
    const created = await alice.createTrace(newTraceRequest());
    const event = eventOfKind(1, { case: "thought", value: { text: "hello", tags: [] } });
    // Field 999 on the thought: a newer client's field (or a smuggled one) holding a secret.
    const unknown = Buffer.concat([Buffer.from([0xba, 0x3e, gh.length]), Buffer.from(gh)]);
    const value = event.kind.case === "thought" ? event.kind.value : undefined;
    (value as unknown as { $unknown: unknown[] }).$unknown = [{ no: 999, wireType: 2, data: unknown.subarray(2) }];
    expect(Buffer.from(toBinary(EventSchema, event)).toString("latin1")).toContain(gh);
    await alice.appendEvents({ traceId: created.trace!.id, uploadToken: created.uploadToken, events: [event] });
    const got = await srv.client(testTokens.read).getTrace({ traceId: created.trace!.id, includeEvents: true });
    expect(Buffer.from(toBinary(EventSchema, got.events[0])).toString("latin1")).not.toContain(gh);
    expect(got.events[0].kind.case === "thought" && got.events[0].kind.value.text).toBe("hello");
  });
});
