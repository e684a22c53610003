import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import http from "node:http";
import https from "node:https";
import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStaticAssets, workbenchCsp } from "../../../../server/web/static-assets.js";

/** A real HTTP server around createStaticAssets(); unhandled requests get 418 so the test sees the hand-off. */
async function serve(root: string) {
  const assets = createStaticAssets({ root });
  const server = http.createServer((req, res) => {
    if (!assets.handle(req, res)) {
      res.writeHead(418);
      res.end();
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((r) => server.close(r)) };
}

describe("createStaticAssets()", () => {
  const root = mkdtempSync(join(tmpdir(), "devtrace-web-"));
  const outside = mkdtempSync(join(tmpdir(), "devtrace-secret-"));
  let built: Awaited<ReturnType<typeof serve>>;
  let unbuilt: Awaited<ReturnType<typeof serve>>;

  beforeAll(async () => {
    mkdirSync(join(root, "assets"));
    writeFileSync(join(root, "index.html"), "<!doctype html><title>t</title>");
    writeFileSync(join(root, "assets", "app.js"), "console.log(1)");
    writeFileSync(join(root, "assets", "notes.txt"), "no type for me");
    writeFileSync(join(root, "secret.js"), "not under assets");
    writeFileSync(join(outside, "credentials.json"), "{}");
    built = await serve(root);
    unbuilt = await serve(join(root, "missing"));
  });

  afterAll(async () => {
    await built.close();
    await unbuilt.close();
    rmSync(root, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  it("serves the page and its assets with the CSP and browser headers", async () => {
    for (const path of ["/", "/index.html", "/?x=1", "/assets/app.js"]) {
      const res = await fetch(`${built.url}${path}`);
      expect(res.status, path).toBe(200);
      expect(res.headers.get("content-security-policy")).toBe(workbenchCsp);
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("cross-origin-opener-policy")).toBe("same-origin");
    }
    expect(workbenchCsp).not.toMatch(/unsafe-(inline|eval)/);
  });

  it("answers HEAD without a body and If-None-Match with 304", async () => {
    const head = await fetch(`${built.url}/assets/app.js`, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe("14");
    expect(await head.text()).toBe("");
    const again = await fetch(`${built.url}/assets/app.js`, { headers: { "if-none-match": head.headers.get("etag")! } });
    expect(again.status).toBe(304);
  });

  it("serves no file outside the built folder, whatever the path says", async () => {
    const tries = ["/assets/../secret.js", "/assets/%2e%2e/secret.js", "/assets/..%2fsecret.js", "/assets/notes.txt", "/assets/", "/assets/app.js/", `/assets/${"../".repeat(8)}${outside.slice(1)}/credentials.json`];
    for (const path of tries) {
      // Sent byte for byte (fetch and new URL() would normalize the dots away).
      const res = await new Promise<http.IncomingMessage>((r) => http.get({ host: "127.0.0.1", port: new URL(built.url).port, path }, r));
      let body = "";
      for await (const chunk of res) body += String(chunk);
      expect(res.statusCode, path).toBe(404);
      expect(body).not.toContain("not under assets");
    }
  });

  it("leaves other paths and methods to the RPC router", async () => {
    expect((await fetch(`${built.url}/metrics`)).status).toBe(418);
    expect((await fetch(`${built.url}/devtrace.v1.TraceService/GetTrace`, { method: "POST" })).status).toBe(418);
    expect((await fetch(`${built.url}/`, { method: "POST" })).status).toBe(418);
  });

  it("adds Strict-Transport-Security over TLS only", async () => {
    const dir = mkdtempSync(join(tmpdir(), "devtrace-web-tls-"));
    try {
      execFileSync("openssl", [
        "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
        "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1",
        "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem"),
      ], { stdio: "ignore" });
      const cert = readFileSync(join(dir, "cert.pem"));
      const assets = createStaticAssets({ root });
      const server = https.createServer({ cert, key: readFileSync(join(dir, "key.pem")) }, (req, res) => void assets.handle(req, res));
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
      try {
        const port = (server.address() as AddressInfo).port;
        const res = await new Promise<http.IncomingMessage>((r) => https.get({ host: "127.0.0.1", port, path: "/", ca: cert }, r));
        res.resume();
        expect(res.statusCode).toBe(200);
        expect(res.headers["strict-transport-security"]).toBe("max-age=31536000");
      } finally {
        await new Promise((r) => server.close(r));
      }
      expect((await fetch(`${built.url}/`)).headers.get("strict-transport-security")).toBeNull();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("says how to build the page when it is not built, and serves it once built", async () => {
    const res = await fetch(`${unbuilt.url}/`);
    expect(res.status).toBe(503);
    expect(await res.text()).toContain("npm run build");
    mkdirSync(join(root, "missing"));
    writeFileSync(join(root, "missing", "index.html"), "<!doctype html><title>late</title>");
    const later = await fetch(`${unbuilt.url}/`);
    expect(later.status).toBe(200);
    expect(await later.text()).toContain("late");
  });
});
