/**
 * The real app, synthesized once per test process into a temporary CDKTF_OUTDIR (the same
 * `tsx main.ts` run that `npm start` does), and one local gateway per test file on a free
 * loopback port with its own state folder. Everything a test needs (URLs, API keys, Cognito
 * tokens, back-end endpoints, the mailbox folder) is read from the endpoints.json the
 * gateway writes; nothing is hard-coded.
 */
import { S3Client } from "@aws-sdk/client-s3";
import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { loadEnvironments, type Environment } from "../../../modules/config/environments";
import { startGateway, type ApiEndpoint, type Endpoints, type Gateway } from "../../../scripts/local/gateway";

const run = promisify(execFile);
const projectRoot = path.resolve(import.meta.dirname, "..", "..", "..");

/** The environment the gateway serves: the first configured one, as `npm start` does. */
export const environment: Environment = loadEnvironments()[0]!;

let root: string | undefined;
let synthesized: Promise<string> | undefined;

function tempRoot(): string {
  if (!root) {
    const dir = mkdtempSync(path.join(os.tmpdir(), "e2e-"));
    root = dir;
    process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
  }
  return root;
}

/** Synthesizes main.ts once per process; resolves to the outdir holding stacks/<stack>/cdk.tf.json. */
export function synthApp(): Promise<string> {
  synthesized ??= (async () => {
    const outdir = path.join(tempRoot(), "cdktf.out");
    await run(process.execPath, ["--import", "tsx", "main.ts"], {
      cwd: projectRoot,
      env: { ...process.env, CDKTF_OUTDIR: outdir, CHECKPOINT_DISABLE: "1" },
      maxBuffer: 64 * 1024 * 1024,
    });
    if (!existsSync(path.join(outdir, "stacks"))) throw new Error(`synth wrote no stacks into ${outdir}`);
    return outdir;
  })();
  return synthesized;
}

export interface RunningApp {
  readonly gateway: Gateway;
  /** What the gateway wrote to `<stateDir>/endpoints.json`. */
  readonly endpoints: Endpoints;
  readonly stateDir: string;
  /** Access log lines and gateway notices, in order. */
  readonly lines: string[];
  /** One API stage of a stack of the served environment, e.g. `api("todos", "prod")`. */
  api(service: string, stage: string): ApiEndpoint;
  /** Figures for the report: synth and gateway start, in ms (printed, never asserted). */
  readonly startup: { synthMs: number; gatewayMs: number };
  close(): Promise<void>;
}

/** A synthesized stack document (`stacks/<stack>/cdk.tf.json`), loosely typed. */
export interface StackDocument {
  resource: Record<string, Record<string, Record<string, unknown>>>;
}

/**
 * Edits applied to a copy of the synthesized outdir, by stack name (`todos-dev`): a way to
 * serve the real app with one deliberate misconfiguration, as Terraform would create it.
 */
export type StackEdits = Readonly<Record<string, (doc: StackDocument) => void>>;

function editedCopy(outdir: string, edits: StackEdits): string {
  const copy = path.join(mkdtempSync(path.join(tempRoot(), "edited-")), "cdktf.out");
  cpSync(outdir, copy, { recursive: true });
  for (const [stack, edit] of Object.entries(edits)) {
    const file = path.join(copy, "stacks", stack, "cdk.tf.json");
    const doc = JSON.parse(readFileSync(file, "utf8")) as StackDocument;
    edit(doc);
    writeFileSync(file, JSON.stringify(doc, null, 2));
  }
  return copy;
}

/**
 * Synthesizes (once) and starts a gateway for the served environment; with `edits`, over
 * an edited copy of the synthesized app.
 */
export async function startApp(edits?: StackEdits): Promise<RunningApp> {
  const t0 = performance.now();
  const synthesizedDir = await synthApp();
  const synthMs = performance.now() - t0;
  const outdir = edits ? editedCopy(synthesizedDir, edits) : synthesizedDir;
  const t1 = performance.now();
  const stateDir = mkdtempSync(path.join(tempRoot(), "state-"));
  const lines: string[] = [];
  const gateway = await startGateway({ outdir, env: environment.name, port: 0, stateDir, log: (line) => lines.push(line) });
  const t2 = performance.now();
  // A figure for whoever reads the run (never asserted): synth is shared by every file.
  console.log(`      [e2e] synth ${Math.round(synthMs)} ms${synthMs < 50 ? " (reused)" : ""}${edits ? ", edited copy" : ""}, gateway ready in ${Math.round(t2 - t1)} ms`);
  const endpoints = JSON.parse(readFileSync(path.join(stateDir, "endpoints.json"), "utf8")) as Endpoints;
  return {
    gateway,
    endpoints,
    stateDir,
    lines,
    startup: { synthMs, gatewayMs: t2 - t1 },
    api(service, stage) {
      const stack = `${service}-${environment.name}`;
      const found = endpoints.apis.find((a) => a.stack === stack && a.stage === stage);
      if (!found) throw new Error(`endpoints.json has no ${stack}/${stage}: ${endpoints.apis.map((a) => `${a.stack}/${a.stage}`).join(", ")}`);
      return found;
    },
    close: () => gateway.close(),
  };
}

/** The value of the API key whose name ends with `name` (names carry the environment prefix). */
export function apiKey(api: ApiEndpoint, name: string): string {
  const entry = Object.entries(api.apiKeys).find(([k]) => k === name || k.endsWith(name));
  if (!entry) throw new Error(`${api.stack}/${api.stage} has no API key named *${name}: ${Object.keys(api.apiKeys).join(", ")}`);
  return entry[1];
}

/** A path-style S3 client for the gateway's s3rver (its default credentials). */
export function s3Client(endpoints: Endpoints): S3Client {
  return new S3Client({
    endpoint: endpoints.s3,
    region: environment.region,
    forcePathStyle: true,
    credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
}

/** Reads a response's JSON body. */
export async function body<T = Record<string, unknown>>(res: Response): Promise<T> {
  const text = await res.text();
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new Error(`not JSON (status ${res.status}): ${text.slice(0, 300)}`);
  }
}

/** Waits until `check` is true (a file written by a stream, a log line), up to `tries` × 10 ms. */
export async function eventually(check: () => boolean, tries = 300): Promise<boolean> {
  for (let i = 0; i < tries; i += 1) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 10));
  }
  return check();
}

/** Access log entries (JSON lines) of one stage's log file under the state folder. */
export function accessLog(app: RunningApp, service: string, stage: string): Record<string, string>[] {
  const file = path.join(app.stateDir, "logs", `${service}-${environment.name}-${stage}.log`);
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as Record<string, string>);
}
