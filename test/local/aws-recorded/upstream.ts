/**
 * The loopback HTTP server behind the recorded HTTP and HTTP_PROXY routes, answering as the
 * echo servers of the recordings do: `/post` as httpbin's (`args`, `data`, `headers` with
 * their names as sent, `json`, `url`), `/raw` with the body it received, `/status/<code>`
 * with that status.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface Upstream {
  readonly hostPort: string;
  close(): Promise<void>;
}

export async function startUpstream(): Promise<Upstream> {
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const data = Buffer.concat(chunks).toString("utf8");
      const url = new URL(req.url ?? "/", "http://upstream");
      const status = /^\/status\/(\d{3})$/.exec(url.pathname);
      if (status) {
        res.writeHead(Number(status[1]), { "Content-Type": "application/json" });
        res.end(JSON.stringify({ data, method: req.method, url: req.url }));
        return;
      }
      if (url.pathname === "/raw") {
        res.writeHead(200, { "Content-Type": "application/json" });
        res.end(data);
        return;
      }
      const headers: Record<string, string> = {};
      for (let i = 0; i < req.rawHeaders.length; i += 2) headers[req.rawHeaders[i]!] ??= req.rawHeaders[i + 1]!;
      let json: unknown;
      try {
        json = JSON.parse(data);
      } catch {
        json = null;
      }
      const body = JSON.stringify({ args: Object.fromEntries(url.searchParams), data, headers, json, url: req.url });
      res.writeHead(200, { "Access-Control-Allow-Origin": "*", "Access-Control-Allow-Credentials": "true", "Content-Type": "application/json", "Content-Length": String(Buffer.byteLength(body)), Server: "upstream/1.0", Connection: "keep-alive" });
      res.end(body);
    });
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", () => ok()));
  return {
    hostPort: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}
