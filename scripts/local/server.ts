/**
 * The HTTP adapter of the local gateway: a node:http server whose requests go to the
 * pipeline (`pipeline/runtime.ts`) and whose answers go back on the socket. The request
 * steps live in `pipeline/`, one file each.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { GatewayError } from "./pipeline/errors";
import type { GatewayRuntime } from "./pipeline/runtime";
import type { HttpResponse } from "./responses";

export { renderAccessLog } from "./pipeline/access-log";
export { GatewayRuntime, type RuntimeOptions } from "./pipeline/runtime";

/** API Gateway's payload limit (10 MB); a larger body is 413 Request Too Long. */
const MAX_BODY = 10 * 1024 * 1024;
const EMPTY = Buffer.alloc(0);

class RequestAborted extends Error {}

/** A request that announces no body (no Content-Length, or 0, and no Transfer-Encoding) has none to wait for. */
function hasNoBody(req: IncomingMessage): boolean {
  const length = req.headers["content-length"];
  return (length === undefined || length === "0") && req.headers["transfer-encoding"] === undefined;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  if (hasNoBody(req)) return Promise.resolve(EMPTY);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new GatewayError("REQUEST_TOO_LARGE"));
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.on("error", (error) => reject(new RequestAborted(error.message)));
  });
}

function send(res: ServerResponse, response: HttpResponse, head: boolean): void {
  // Every response's headers object is this request's own (a cache hit is a copy): it takes Content-Length.
  response.headers["Content-Length"] = String(response.body.length);
  res.writeHead(response.status, response.headers);
  res.end(head ? undefined : response.body);
}

async function serve(runtime: GatewayRuntime, req: IncomingMessage, res: ServerResponse): Promise<void> {
  let response: HttpResponse;
  try {
    response = await runtime.handle(req, () => readBody(req));
  } catch (error) {
    if (!(error instanceof RequestAborted)) throw error;
    res.destroy();
    return;
  }
  send(res, response, req.method === "HEAD");
}

/**
 * The gateway's HTTP server. Until `runtime()` gives a runtime (back ends and model still
 * starting) it answers 503; an unexpected error is a 500 and a log line.
 */
export function createGatewayServer(runtime: () => GatewayRuntime | undefined, log: (line: string) => void): Server {
  const server = createServer((req, res) => {
    const rt = runtime();
    if (!rt) {
      res.writeHead(503, { "Content-Type": "application/json" }).end('{"message":"Service Unavailable"}');
      return;
    }
    serve(rt, req, res).catch((error: unknown) => {
      log(`gateway error: ${(error as Error).stack ?? String(error)}`);
      if (!res.headersSent) res.writeHead(500, { "Content-Type": "application/json" });
      res.end('{"message": "Internal server error"}');
    });
  });
  // A request Node's parser refuses (a method it does not know, a control character in a
  // header, a raw space in the path, headers past its limit) gets a JSON message like every
  // other refusal, not an empty 400.
  server.on("clientError", (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (!socket.writable || error.code === "ECONNRESET") {
      socket.destroy();
      return;
    }
    const tooLarge = error.code === "HPE_HEADER_OVERFLOW";
    const body = JSON.stringify({ message: tooLarge ? "Request Header Fields Too Large" : `Bad Request: not a valid HTTP/1.1 request (${error.code ?? "parse error"})` });
    socket.end(`HTTP/1.1 ${tooLarge ? "431 Request Header Fields Too Large" : "400 Bad Request"}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  });
  server.keepAliveTimeout = 5000;
  return server;
}
