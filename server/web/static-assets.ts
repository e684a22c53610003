import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import type { connectNodeAdapter } from "@connectrpc/connect-node";
import { basename, dirname, extname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The workbench's Content-Security-Policy: only this origin's own script, style and
 * RPCs; no inline script or style attribute, no plugins, no framing, no form posts
 * elsewhere. Everything a trace holds is rendered as text, and this is the net under it.
 */
export const workbenchCsp = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join("; ");

/** Headers every workbench response carries. */
export const browserHeaders: Readonly<Record<string, string>> = {
  "content-security-policy": workbenchCsp,
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
  "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
};

const contentTypes: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".map": "application/json; charset=utf-8",
};

/** Options of createStaticAssets(). */
export interface StaticAssetsOptions {
  /** Folder of the built page (index.html, assets/); default dist/web of this checkout. */
  root?: string;
}

type NodeHandlerFn = ReturnType<typeof connectNodeAdapter>;
type Req = Parameters<NodeHandlerFn>[0];
type Res = Parameters<NodeHandlerFn>[1];

interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

/** Serves the built workbench: `/` and `/assets/<file>`, nothing else. */
export interface StaticAssets {
  /** True when it answered the request (a GET or HEAD of the page or one of its assets). */
  handle(req: Req, res: Res): boolean;
}

/** The default root: dist/web next to the compiled server, or of the checkout when run from source. */
export function defaultWebRoot(): string {
  const up = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
  return basename(up) === "dist" ? join(up, "web") : join(up, "dist", "web");
}

/**
 * The page's files, read once on first use. Only names found in the built folder are
 * served (a request path is looked up, never joined onto the file system).
 */
export function createStaticAssets(o: StaticAssetsOptions = {}): StaticAssets {
  const root = o.root ?? defaultWebRoot();
  let table: Map<string, Asset> | undefined;
  // An unbuilt page is looked for again on the next request, so building it needs no restart.
  const load = () => (table?.size ? table : (table = readAssets(root)));
  return {
    handle(req, res) {
      if (req.method !== "GET" && req.method !== "HEAD") return false;
      const path = (req.url ?? "/").split("?")[0].split("#")[0];
      if (path !== "/" && path !== "/index.html" && !path.startsWith("/assets/")) return false;
      const assets = load();
      const asset = assets.get(path === "/index.html" ? "/" : path);
      if (!asset) {
        const built = assets.size > 0;
        res.writeHead(built ? 404 : 503, { ...browserHeaders, "content-type": "text/plain; charset=utf-8" });
        res.end(built ? "not found\n" : "the workbench is not built: run `npm run build`\n");
        return true;
      }
      const headers = {
        ...browserHeaders,
        ...(overTls(req) ? { "strict-transport-security": "max-age=31536000" } : {}),
        "content-type": asset.type,
        etag: asset.etag,
        "cache-control": "no-cache",
      };
      if (req.headers["if-none-match"] === asset.etag) {
        res.writeHead(304, headers);
        res.end();
        return true;
      }
      res.writeHead(200, { ...headers, "content-length": String(asset.body.length) });
      if (req.method === "HEAD") res.end();
      else res.end(asset.body);
      return true;
    },
  };
}

/** True when the request came over TLS (then browsers are told to keep to https). */
function overTls(req: Req): boolean {
  return (req.socket as { encrypted?: boolean } | undefined)?.encrypted === true;
}

function readAssets(root: string): Map<string, Asset> {
  const out = new Map<string, Asset>();
  if (!existsSync(join(root, "index.html"))) return out;
  const add = (urlPath: string, file: string) => {
    const type = contentTypes[extname(file)];
    if (!type || !statSync(file).isFile()) return;
    const body = readFileSync(file);
    out.set(urlPath, { body, type, etag: `"${createHash("sha256").update(body).digest("base64url").slice(0, 22)}"` });
  };
  add("/", join(root, "index.html"));
  const assetsDir = join(root, "assets");
  if (existsSync(assetsDir)) for (const name of readdirSync(assetsDir)) add(`/assets/${name}`, join(assetsDir, name));
  return out;
}
