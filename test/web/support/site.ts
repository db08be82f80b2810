/**
 * The browser tests' app: main.ts synthesized once per process with the dev environment's
 * web origin set to `http://localhost:<free port>` (so the APIs' CORS allow-list names the
 * origin the pages are served on, as it names http://localhost:5173 for `npm start`), one
 * gateway with the pages and the local user-pool API per test file, read back from the
 * endpoints.json it writes.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { loadEnvironments } from "../../../modules/config/environments";
import { startGateway, type Endpoints, type Gateway } from "../../../scripts/local/gateway";

const run = promisify(execFile);
const projectRoot = path.resolve(import.meta.dirname, "..", "..", "..");

export const environment = loadEnvironments()[0]!;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", () => ok()));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((ok) => server.close(() => ok()));
  return port;
}

let root: string | undefined;
let synthesized: Promise<{ outdir: string; origin: string }> | undefined;

function synth(): Promise<{ outdir: string; origin: string }> {
  synthesized ??= (async () => {
    root = mkdtempSync(path.join(os.tmpdir(), "web-"));
    const dir = root;
    process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
    const origin = `http://localhost:${await freePort()}`;
    const outdir = path.join(root, "cdktf.out");
    await run(process.execPath, ["--import", "tsx", "main.ts"], {
      cwd: projectRoot,
      env: { ...process.env, CDKTF_OUTDIR: outdir, CHECKPOINT_DISABLE: "1", ENVIRONMENTS: environment.name, [`${environment.name.toUpperCase()}_WEB_ORIGINS`]: origin },
      maxBuffer: 64 * 1024 * 1024,
    });
    return { outdir, origin };
  })();
  return synthesized;
}

export interface WebApp {
  readonly gateway: Gateway;
  readonly endpoints: Endpoints;
  /** The origin the pages are served on, in the APIs' CORS allow-list. */
  readonly origin: string;
  /** The same pages on an origin that is not in the allow-list (127.0.0.1 instead of localhost). */
  readonly foreignOrigin: string;
  /** A page's URL, from endpoints.json's `web`. */
  page(service: string): string;
  close(): Promise<void>;
}

export async function startWebApp(): Promise<WebApp> {
  const { outdir, origin } = await synth();
  const stateDir = mkdtempSync(path.join(root!, "state-"));
  const gateway = await startGateway({ outdir, env: environment.name, port: 0, stateDir, log: () => undefined, web: { origin } });
  const endpoints = JSON.parse(readFileSync(path.join(stateDir, "endpoints.json"), "utf8")) as Endpoints;
  return {
    gateway,
    endpoints,
    origin,
    foreignOrigin: origin.replace("localhost", "127.0.0.1"),
    page(service) {
      const url = endpoints.web?.[service];
      if (!url) throw new Error(`endpoints.json has no page for ${service}: ${JSON.stringify(endpoints.web)}`);
      return url;
    },
    close: () => gateway.close(),
  };
}
