/**
 * A back end in a child process of its own, behind a loopback TCP front whose port (the
 * endpoint) never changes. A crash of the child does not stop the gateway: the child is
 * restarted, and until it serves again every request is answered with the error an AWS SDK
 * client sees when the service is unavailable (a 503 it retries, by default).
 *
 * The child is a TypeScript entry (see child.ts), bundled once per content by esbuild in a
 * source checkout (so a start costs neither a TypeScript loader nor a compile when nothing
 * changed), and shipped bundled in the npm package (scripts/package/entries.ts).
 */
import { fork, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { BackendStats, LocalBackend } from "./http";
import { listen } from "./http";
import type { ChildMessage, ParentMessage } from "./child";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const CACHE = join(ROOT, "node_modules", ".cache", "local-backends");
const BACKENDS = dirname(fileURLToPath(import.meta.url));

export interface ChildSpec {
  /** Short name for messages: `dynamodb`, `s3`. */
  readonly name: string;
  /** The child's entry module (TypeScript, which calls `serveChild`) in a source checkout. */
  readonly entry: string;
  /**
   * The same entry already bundled, as the npm package ships it (dist/, beside the gateway's
   * bundle): forked as it is when it exists.
   */
  readonly bundled: string;
  /** Passed to the child as JSON. */
  readonly options: unknown;
  /** Answers one request while no child serves: the service's own "unavailable" error. */
  readonly unavailable: (req: http.IncomingMessage, res: http.ServerResponse) => void;
  /** Run after a restart against the new child's own endpoint, before it takes traffic. */
  readonly onRestart?: (childEndpoint: string) => Promise<void>;
  /** Restart notices; default the console's stderr. */
  readonly log?: (line: string) => void;
}

export interface SupervisedBackend extends LocalBackend {
  /** The serving child's process id; undefined while it restarts. */
  readonly pid: number | undefined;
  /** How many times a child has been started after the first. */
  readonly restarts: number;
  /** Resolves once a child serves (at once when one does). */
  serving(): Promise<void>;
}

const bundles = new Map<string, Promise<string>>();

/** A digest of every TypeScript source of the back ends: all a child bundle is made of, besides packages. */
function sourcesDigest(dir: string): string {
  const hash = createHash("sha256");
  const visit = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(d, entry.name);
      if (entry.isDirectory()) visit(p);
      else if (entry.name.endsWith(".ts")) hash.update(p).update(readFileSync(p));
    }
  };
  visit(dir);
  return hash.digest("hex").slice(0, 16);
}

/**
 * Bundles a child entry into `node_modules/.cache/local-backends/<name>-<digest>.mjs`
 * (packages stay external), keyed by the back ends' sources, so an unchanged checkout
 * starts its children without running esbuild.
 */
function bundle(name: string, entry: string): Promise<string> {
  let found = bundles.get(entry);
  if (!found) {
    found = (async () => {
      const file = join(CACHE, `${name}-${sourcesDigest(BACKENDS)}.mjs`);
      if (existsSync(file)) return file;
      const esbuild = await import("esbuild");
      const out = await esbuild.build({ entryPoints: [entry], bundle: true, platform: "node", format: "esm", target: "node20", packages: "external", write: false, logLevel: "silent" });
      mkdirSync(CACHE, { recursive: true });
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, out.outputFiles[0]!.contents);
      renameSync(tmp, file);
      return file;
    })();
    found.catch(() => bundles.delete(entry));
    bundles.set(entry, found);
  }
  return found;
}

/** Restart delays after crashes in a row: at once, then backing off, never past 2 s. */
const BACKOFF_MS = [0, 100, 250, 500, 1000, 2000];
/** A child that served this long resets the backoff. */
const STABLE_MS = 5000;

export async function supervise(spec: ChildSpec): Promise<SupervisedBackend> {
  const log = spec.log ?? ((line: string) => console.error(line));
  const script = existsSync(spec.bundled) ? spec.bundled : await bundle(spec.name, spec.entry);
  let child: ChildProcess | undefined;
  let upstream: number | undefined;
  let closing = false;
  let restarts = 0;
  let crashes = 0;
  let base: BackendStats = { writes: 0, requests: 0 };
  let last: BackendStats = { writes: 0, requests: 0 };
  let nextId = 0;
  const replies = new Map<number, (s: BackendStats) => void>();
  let waiters: (() => void)[] = [];
  const sockets = new Set<net.Socket>();

  const unavailable = http.createServer((req, res) => {
    res.shouldKeepAlive = false;
    req.resume();
    spec.unavailable(req, res);
  });

  function answerUnavailable(client: net.Socket): void {
    unavailable.emit("connection", client);
    client.resume();
  }

  const front = net.createServer({ noDelay: true }, (client) => {
    sockets.add(client);
    client.on("close", () => sockets.delete(client));
    client.on("error", () => client.destroy());
    const port = upstream;
    if (port === undefined) return answerUnavailable(client);
    client.pause();
    const up = net.connect({ port, host: "127.0.0.1", noDelay: true });
    let connected = false;
    up.once("connect", () => {
      connected = true;
      client.pipe(up);
      up.pipe(client);
      client.resume();
    });
    up.on("error", () => {
      if (connected) client.destroy();
      else answerUnavailable(client);
    });
    up.on("close", (hadError) => hadError && client.destroy());
    client.on("close", () => up.destroy());
  });
  const endpoint = await listen(front);

  function start(): Promise<{ proc: ChildProcess; port: number }> {
    return new Promise((resolve, reject) => {
      const proc = fork(script, [], {
        execArgv: [],
        env: { ...process.env, LOCAL_BACKEND_OPTIONS: JSON.stringify(spec.options ?? {}) },
        stdio: ["ignore", "inherit", "inherit", "ipc"],
        serialization: "json",
      });
      const early = (code: number | null, signal: string | null) => reject(new Error(`${spec.name} back end exited before serving (${signal ?? `status ${code}`})`));
      proc.once("exit", early);
      proc.once("error", reject);
      proc.on("message", (msg: ChildMessage) => {
        if (msg.type === "ready") {
          proc.off("exit", early);
          resolve({ proc, port: msg.port });
        } else if (msg.type === "stats") {
          last = msg.stats;
          replies.get(msg.id)?.(msg.stats);
          replies.delete(msg.id);
        } else if (msg.type === "failed") {
          reject(new Error(`${spec.name} back end failed to start: ${msg.message}`));
        }
      });
    });
  }

  function serve(proc: ChildProcess, port: number): void {
    const startedAt = Date.now();
    child = proc;
    upstream = port;
    for (const w of waiters.splice(0)) w();
    proc.once("exit", (code, signal) => {
      if (child === proc) {
        child = undefined;
        upstream = undefined;
      }
      base = { writes: base.writes + last.writes, requests: base.requests + last.requests };
      last = { writes: 0, requests: 0 };
      if (closing) return;
      crashes = Date.now() - startedAt > STABLE_MS ? 1 : crashes + 1;
      log(`${spec.name} back end exited (${signal ?? `status ${code}`}); restarting`);
      setTimeout(() => void restart(), BACKOFF_MS[Math.min(crashes - 1, BACKOFF_MS.length - 1)]);
    });
  }

  async function restart(): Promise<void> {
    if (closing) return;
    try {
      const { proc, port } = await start();
      if (closing) {
        proc.kill("SIGKILL");
        return;
      }
      await spec.onRestart?.(`http://127.0.0.1:${port}`);
      restarts += 1;
      serve(proc, port);
      log(`${spec.name} back end serving again (pid ${proc.pid})`);
    } catch (error) {
      crashes += 1;
      log(`${spec.name} back end restart failed: ${(error as Error).message}`);
      setTimeout(() => void restart(), BACKOFF_MS[Math.min(crashes - 1, BACKOFF_MS.length - 1)]);
    }
  }

  try {
    const first = await start();
    serve(first.proc, first.port);
  } catch (error) {
    front.close();
    throw error;
  }

  return {
    endpoint,
    get pid() {
      return upstream === undefined ? undefined : child?.pid;
    },
    get restarts() {
      return restarts;
    },
    serving: () => (upstream !== undefined ? Promise.resolve() : new Promise<void>((resolve) => waiters.push(resolve))),
    async stats() {
      const proc = child;
      if (!proc?.connected) return { ...base };
      const id = (nextId += 1);
      const reply = await new Promise<BackendStats>((resolve) => {
        replies.set(id, resolve);
        proc.send({ type: "stats", id } satisfies ParentMessage);
        setTimeout(() => {
          replies.delete(id);
          resolve(last);
        }, 2000).unref();
      });
      return { writes: base.writes + reply.writes, requests: base.requests + reply.requests };
    },
    async close() {
      if (closing) return;
      closing = true;
      waiters = [];
      front.close();
      unavailable.closeAllConnections();
      for (const s of sockets) s.destroy();
      const proc = child;
      if (proc && proc.exitCode === null && proc.signalCode === null) {
        await new Promise<void>((resolve) => {
          const force = setTimeout(() => proc.kill("SIGKILL"), 2000);
          proc.once("exit", () => {
            clearTimeout(force);
            resolve();
          });
          proc.kill("SIGTERM");
        });
      }
    },
  };
}
