/**
 * The HTTP and body helpers every local back end shares: listening on loopback, closing,
 * bounded body reading, draining, request counters and XML answers.
 */
import { randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";

/** Counters kept by each back end: successful write requests and all requests. */
export interface BackendStats {
  /** Requests that changed (or could have changed) state and succeeded (status < 300). */
  readonly writes: number;
  readonly requests: number;
}

export interface LocalBackend {
  /** `http://127.0.0.1:<port>`: stable for the back end's life, across restarts of its process. */
  readonly endpoint: string;
  close(): Promise<void>;
  stats(): Promise<BackendStats>;
}

/** Listens on 127.0.0.1 (an OS-chosen port unless `port` is given); resolves with `http://127.0.0.1:<port>`. */
export function listen(server: http.Server | import("node:net").Server, port = 0): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", reject);
      const { port: bound } = server.address() as AddressInfo;
      resolve(`http://127.0.0.1:${bound}`);
    });
  });
}

export function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((err) => (err ? reject(err) : resolve()));
    server.closeAllConnections();
  });
}

/** Counts requests, and writes that succeeded, as the `res` of each finishes. */
export function counter(isWrite: (req: http.IncomingMessage) => boolean) {
  let writes = 0;
  let requests = 0;
  return {
    track(req: http.IncomingMessage, res: http.ServerResponse): void {
      requests += 1;
      if (isWrite(req)) res.once("finish", () => (res.statusCode < 300 ? (writes += 1) : undefined));
    },
    stats: (): BackendStats => ({ writes, requests }),
  };
}

/** Thrown by `readBody` past its limit. */
export class BodyTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`request body larger than ${limit} bytes`);
    this.name = "BodyTooLarge";
  }
}

/** Reads a whole request body, refusing (and ending the request) past `limit` bytes. */
export function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new BodyTooLarge(limit));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/** Reads and discards a request body, so that an early error answer reaches the client intact. */
export function drain(req: http.IncomingMessage): Promise<void> {
  return new Promise((resolve) => {
    if (req.readableEnded) return resolve();
    req.once("end", resolve);
    req.once("error", () => resolve());
    req.resume();
  });
}

export function escapeXml(value: string): string {
  return value.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** An XML answer with an `x-amz-request-id`; HEAD answers carry no body, as on AWS. */
export function xml(req: http.IncomingMessage | undefined, res: http.ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/xml", "x-amz-request-id": randomUUID(), ...headers });
  res.end(req?.method === "HEAD" ? undefined : `<?xml version="1.0" encoding="UTF-8"?>\n${body}`);
}
