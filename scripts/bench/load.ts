// What the gateway benches share: the load generator run as a second process
// (gateway-load.mjs), and the bare node:http server their ratios are taken against.
import { execFile } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { promisify } from "node:util";

const run$ = promisify(execFile);

/** One load run's figures, as gateway-load.mjs prints them. */
export interface LoadResult {
  requests: number;
  seconds: number;
  rps: number;
  p50: number;
  p99: number;
  statuses: Record<string, number>;
}

/** `requests` GETs of `url` at `concurrency` from a second process; `headers` as `name:value`. */
export async function runLoad(url: string, requests: number, concurrency: number, headers: readonly string[] = []): Promise<LoadResult> {
  const { stdout } = await run$(process.execPath, [path.join(import.meta.dirname, "gateway-load.mjs"), url, String(requests), String(concurrency), ...headers], { maxBuffer: 1 << 20 });
  return JSON.parse(stdout.trim().split("\n").pop()!) as LoadResult;
}

/** The ceiling on this machine: a bare node:http server answering the MOCK route's body. */
export async function startBareServer(): Promise<{ url: string; server: Server }> {
  const server = createServer((_req, res) => res.writeHead(200, { "Content-Type": "application/json" }).end('{"ID":7,"name":"foo7","price":10.5}'));
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", () => ok()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server };
}
