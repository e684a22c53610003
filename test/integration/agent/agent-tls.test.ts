import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listen } from "../../../server/net/listen.js";
import { startTestServer, testTokens } from "../../helpers/devtrace-server.js";
import { agentFixture, eventually } from "./agent-harness.js";

type Status = { traceId?: string; events: { acked: string }; connection: { state: string; lastError?: string } };

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "devtrace-agent-tls-"));
  execFileSync(
    "openssl",
    ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj", "/CN=localhost",
      "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem")],
    { stdio: "ignore" },
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("Agent over TLS", () => {
  it("streams to an https:// server whose certificate it verifies with --ca", async () => {
    await using srv = await startTestServer();
    const tls = await listen(srv.server.handler, { host: "127.0.0.1", port: 0, tls: { certFile: join(dir, "cert.pem"), keyFile: join(dir, "key.pem") }, logger: pino({ level: "silent" }) });
    try {
      await using fx = await agentFixture();
      await fx.start(tls.url, testTokens.ingest, { caFile: join(dir, "cert.pem") });
      const c = await fx.client();
      await c.request("note", { text: "over TLS" });
      await eventually("the ack over TLS", async () => (await c.request<Status>("status")).events.acked === "1");
    } finally {
      await tls.close(100);
    }
  });

  it("refuses a server whose certificate it cannot verify, and says why", async () => {
    await using srv = await startTestServer();
    const tls = await listen(srv.server.handler, { host: "127.0.0.1", port: 0, tls: { certFile: join(dir, "cert.pem"), keyFile: join(dir, "key.pem") }, logger: pino({ level: "silent" }) });
    try {
      await using fx = await agentFixture();
      await fx.start(tls.url, testTokens.ingest);
      const c = await fx.client();
      await c.request("note", { text: "never sent" });
      await eventually("a certificate error", async () => /certificate/i.test((await c.request<Status>("status")).connection.lastError ?? ""));
      const s = await c.request<Status>("status");
      expect(s.traceId).toBeUndefined();
      expect(s.events.acked).toBe("0");
    } finally {
      await tls.close(100);
    }
  });
});
