/**
 * The local web origin: every page of the site from memory, `/config.json` for the local
 * gateway, and the response headers CloudFront's policy adds on AWS (the same CSP).
 */
import { createServer, type Server } from "node:http";
import type { SiteFile } from "../../../web/build";

export interface StaticContent {
  readonly files: ReadonlyMap<string, SiteFile>;
  readonly config: string;
  readonly headers: Readonly<Record<string, string>>;
}

export function securityHeaders(csp: string): Record<string, string> {
  return {
    "Content-Security-Policy": csp,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
  };
}

/** The path a request names on the site, without leading slashes; undefined when the target or a %-escape is malformed. */
function sitePath(target: string | undefined): string | undefined {
  try {
    return decodeURIComponent(new URL(target ?? "/", "http://localhost").pathname).replace(/^\/+/, "");
  } catch {
    return undefined;
  }
}

/** Serves `content()` (read per request, so a rebuild swaps it) on host:port. */
export async function startStaticServer(content: () => StaticContent, host: string, port: number): Promise<{ port: number; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const c = content();
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { ...c.headers, Allow: "GET, HEAD", "Content-Type": "text/plain; charset=utf-8" }).end("Method Not Allowed");
      return;
    }
    const decoded = sitePath(req.url);
    if (decoded === undefined) {
      // A malformed %-escape or request target: what CloudFront answers, not an exception that
      // would end `npm start` (any page could send one with an <img src>).
      res.writeHead(400, { ...c.headers, "Content-Type": "text/plain; charset=utf-8" }).end("Bad Request");
      return;
    }
    let path = decoded;
    if (path === "config.json") {
      res.writeHead(200, { ...c.headers, "Content-Type": "application/json", "Cache-Control": "no-cache" }).end(req.method === "HEAD" ? undefined : c.config);
      return;
    }
    if (path === "" || path.endsWith("/")) path += "index.html";
    const file = c.files.get(path);
    if (!file) {
      if (c.files.has(`${path}/index.html`)) {
        res.writeHead(301, { ...c.headers, Location: `/${path}/` }).end();
        return;
      }
      res.writeHead(404, { ...c.headers, "Content-Type": "text/plain; charset=utf-8" }).end("Not Found");
      return;
    }
    const etag = `"${file.sha256.slice(0, 32)}"`;
    const headers = { ...c.headers, "Content-Type": file.contentType, "Cache-Control": file.cacheControl, ETag: etag };
    if (req.headers["if-none-match"] === etag) {
      res.writeHead(304, headers).end();
      return;
    }
    res.writeHead(200, { ...headers, "Content-Length": String(file.body.length) }).end(req.method === "HEAD" ? undefined : file.body);
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((ok, fail) => {
    server.once("error", fail);
    server.listen(port, host, () => ok());
  });
  const address = server.address();
  return {
    port: typeof address === "object" && address ? address.port : port,
    close: () =>
      new Promise<void>((ok) => {
        server.close(() => ok());
        server.closeAllConnections();
      }),
  };
}
