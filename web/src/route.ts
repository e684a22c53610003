/** Where the page is: the traces list with its filters, or one trace. */
export type Route = { page: "list"; query: URLSearchParams } | { page: "trace"; id: string; query: URLSearchParams };

/** Reads the route from a location hash: `#/?developer=alice`, `#/trace/<id>?tab=qa`. */
export function parseRoute(hash: string): Route {
  const h = hash.replace(/^#/, "");
  const q = h.indexOf("?");
  const path = q < 0 ? h : h.slice(0, q);
  const query = new URLSearchParams(q < 0 ? "" : h.slice(q + 1));
  const m = /^\/trace\/([^/]+)$/.exec(path);
  if (m) {
    let id: string;
    try {
      id = decodeURIComponent(m[1]);
    } catch {
      id = m[1];
    }
    return { page: "trace", id, query };
  }
  return { page: "list", query };
}

/** The hash of a trace page. */
export function traceHref(id: string, query?: URLSearchParams): string {
  const q = query?.toString();
  return `#/trace/${encodeURIComponent(id)}${q ? `?${q}` : ""}`;
}

/** The hash of the list with these filters. */
export function listHref(query: URLSearchParams): string {
  const q = query.toString();
  return `#/${q ? `?${q}` : ""}`;
}
