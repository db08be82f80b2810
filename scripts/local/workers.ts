/**
 * Local Lambda: each function's zip unzipped to `<stateDir>/functions/<name>/` and run in
 * warm worker threads (one invocation at a time per worker, as a Lambda instance), with the
 * function's environment, timeout and a context shaped like Lambda's. A crash or a timeout
 * ends that worker; the next invocation gets a fresh one.
 */
import { randomUUID } from "node:crypto";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { WORKER_CREDENTIALS } from "./backends/credentials";
import { JsonPayload } from "./json-text";
import { unzip } from "./unzip";
import type { FunctionModel } from "./model/types";

const RUNTIME = join(dirname(fileURLToPath(import.meta.url)), "lambda-runtime.mjs");
const MAX_WORKERS_PER_FUNCTION = 4;

export interface LambdaError {
  errorType: string;
  errorMessage: string;
  trace?: string[];
}

export type InvokeResult =
  | { ok: true; payload: string }
  /**
   * `handled`: the handler threw or rejected; `crash`: the worker died; `timeout`: past the
   * function timeout; `payload`: the payload could not be sent, nothing ran (Lambda's
   * `InvalidRequestContentException`).
   */
  | { ok: false; kind: "handled" | "crash" | "timeout" | "payload"; error: LambdaError };

export interface BackendEndpoints {
  dynamodb?: string;
  s3?: string;
  ses?: string;
  /** The local Lambda Invoke API (lambda-api.ts) and the session token it knows each function by. */
  lambda?: { endpoint: string; sessionToken(functionName: string): string };
}

interface Pending {
  resolve: (r: InvokeResult) => void;
  timer?: NodeJS.Timeout;
}

/** What a worker knows of the function version it runs, for the handler's context. */
interface WorkerIdentity {
  readonly handler: string;
  readonly functionName: string;
  readonly functionVersion: string;
  readonly memoryLimitInMB: number;
}

/** Lambda's limit on the init phase (module import), separate from the function timeout. */
const INIT_TIMEOUT_MS = 10_000;

class LambdaWorker {
  readonly worker: Worker;
  /** Resolves when the handler module is imported: undefined, or the init error. */
  readonly ready: Promise<LambdaError | undefined>;
  private pending: Pending | undefined;
  dead = false;

  constructor(codeDir: string, identity: WorkerIdentity, env: Record<string, string>, onDeath: (w: LambdaWorker) => void, output?: (line: string) => void) {
    const memoryMb = identity.memoryLimitInMB;
    this.worker = new Worker(RUNTIME, {
      workerData: { codeDir, ...identity },
      env,
      stdout: output !== undefined,
      stderr: output !== undefined,
      // The function's memory size bounds the worker's heap: running out ends the invocation as on Lambda.
      resourceLimits: { maxOldGenerationSizeMb: Math.max(64, memoryMb) },
    });
    if (output) {
      for (const stream of [this.worker.stdout, this.worker.stderr]) {
        let buffered = "";
        stream.setEncoding("utf8");
        stream.on("data", (chunk: string) => {
          buffered += chunk;
          const lines = buffered.split("\n");
          buffered = lines.pop()!;
          for (const line of lines) output(line);
        });
        stream.on("end", () => buffered && output(buffered));
      }
    }
    let markReady: (e: LambdaError | undefined) => void = () => undefined;
    this.ready = new Promise((resolve) => (markReady = resolve));
    const initTimer = setTimeout(() => {
      markReady({ errorType: "Runtime.InitTimeout", errorMessage: `init did not finish in ${INIT_TIMEOUT_MS / 1000} s` });
      this.dead = true;
      void this.worker.terminate();
    }, INIT_TIMEOUT_MS);
    this.worker.on("message", (msg: string | { type: "ready"; error?: LambdaError }) => {
      if (typeof msg !== "string") {
        clearTimeout(initTimer);
        markReady(msg.error);
        return;
      }
      const p = this.pending;
      this.pending = undefined;
      if (!p) return;
      clearTimeout(p.timer);
      // `1<result JSON>` or `0<error JSON>` (lambda-runtime.mjs).
      p.resolve(msg.charCodeAt(0) === 49 ? { ok: true, payload: msg.slice(1) } : { ok: false, kind: "handled", error: JSON.parse(msg.slice(1)) as LambdaError });
    });
    const die = (error: LambdaError) => {
      if (this.dead && !this.pending) return;
      this.dead = true;
      clearTimeout(initTimer);
      markReady(error);
      onDeath(this);
      const p = this.pending;
      this.pending = undefined;
      if (p) {
        clearTimeout(p.timer);
        p.resolve({ ok: false, kind: "crash", error });
      }
    };
    this.worker.on("error", (err) => die({ errorType: err.name || "Error", errorMessage: err.message }));
    this.worker.on("exit", (code) => die({ errorType: "Runtime.ExitError", errorMessage: `RequestId: exited before completing request (status ${code})` }));
  }

  /** Runs one invocation: `payload` is the event's JSON text, `invokedArn` the ARN as invoked. */
  async run(awsRequestId: string, invokedArn: string, payload: string, timeoutMs: number): Promise<InvokeResult> {
    const initError = await this.ready;
    if (initError) {
      this.dead = true;
      void this.worker.terminate();
      return { ok: false, kind: "crash", error: initError };
    }
    if (this.dead) return { ok: false, kind: "crash", error: { errorType: "Runtime.ExitError", errorMessage: "worker exited" } };
    return new Promise((resolve) => {
      try {
        // One string (lambda-runtime.mjs reads it): cheaper to post than an object.
        this.worker.postMessage(`${awsRequestId}\n${timeoutMs}\n${invokedArn}\n${payload}`);
      } catch (error) {
        // Nothing was sent, so nothing runs: no timer, and the worker stays usable.
        resolve({ ok: false, kind: "payload", error: { errorType: "InvalidRequestContentException", errorMessage: `Could not send the payload to the function: ${(error as Error).message}` } });
        return;
      }
      const pending: Pending = { resolve };
      pending.timer = setTimeout(() => {
        // Only this invocation's own timer may end it: never a later one's.
        if (this.pending !== pending) return;
        this.pending = undefined;
        this.dead = true;
        void this.worker.terminate();
        resolve({ ok: false, kind: "timeout", error: { errorType: "Sandbox.Timedout", errorMessage: `Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds` } });
      }, timeoutMs);
      this.pending = pending;
    });
  }

  terminate(): Promise<number> {
    this.dead = true;
    return this.worker.terminate();
  }
}

export interface InvokeOptions {
  /** ARN as invoked: unqualified, or qualified by version or alias. */
  readonly invokedArn: string;
}

/**
 * The warm workers of one version of a function (`$LATEST`, `1`): on Lambda each version has
 * its own execution environments, with its own `AWS_LAMBDA_FUNCTION_VERSION`.
 */
export class FunctionRunner {
  private readonly idle: LambdaWorker[] = [];
  private readonly busy = new Set<LambdaWorker>();
  private readonly queue: ((w: LambdaWorker) => void)[] = [];
  private closed = false;

  constructor(
    readonly fn: FunctionModel,
    /** The version these workers run: `$LATEST` or a published version number. */
    readonly version: string,
    private readonly codeDir: string,
    private readonly env: Record<string, string>,
    private readonly output?: (line: string) => void,
  ) {}

  private spawn(): LambdaWorker {
    return new LambdaWorker(
      this.codeDir,
      { handler: this.fn.handler, functionName: this.fn.functionName, functionVersion: this.version, memoryLimitInMB: this.fn.memoryMb },
      this.env,
      (w) => {
        this.busy.delete(w);
        const i = this.idle.indexOf(w);
        if (i >= 0) this.idle.splice(i, 1);
      },
      this.output,
    );
  }

  private acquire(): Promise<LambdaWorker> {
    while (this.idle.length > 0) {
      const w = this.idle.pop()!;
      if (!w.dead) {
        this.busy.add(w);
        return Promise.resolve(w);
      }
    }
    if (this.busy.size < MAX_WORKERS_PER_FUNCTION) {
      const w = this.spawn();
      this.busy.add(w);
      return Promise.resolve(w);
    }
    return new Promise((resolve) => this.queue.push(resolve));
  }

  private release(w: LambdaWorker): void {
    this.busy.delete(w);
    if (this.closed && this.queue.length === 0) {
      void w.terminate();
      return;
    }
    const next = this.queue.shift();
    if (next) {
      const worker = w.dead ? this.spawn() : w;
      this.busy.add(worker);
      next(worker);
      return;
    }
    if (!w.dead) this.idle.push(w);
  }

  /** Loads the handler in one worker ahead of the first request. */
  async warm(): Promise<LambdaError | undefined> {
    const w = await this.acquire();
    try {
      return await w.ready;
    } finally {
      this.release(w);
    }
  }

  /**
   * Runs one invocation. `event` is sent as JSON text, as Lambda receives a payload: pass a
   * `jsonPayload(text)` when the JSON text is at hand (it is sent as is).
   */
  async invoke(event: unknown, options: InvokeOptions): Promise<InvokeResult> {
    if (this.closed) return { ok: false, kind: "crash", error: { errorType: "Runtime.Closed", errorMessage: "the gateway is shutting down" } };
    // Serialized before a worker is taken or a timer set: an event with no JSON text (too
    // deeply nested: RangeError, which the gateway answers 400; circular: TypeError) throws here.
    const payload = event instanceof JsonPayload ? event.text : (JSON.stringify(event) ?? "null");
    const w = await this.acquire();
    const timeoutMs = this.fn.timeoutSeconds * 1000;
    const awsRequestId = randomUUID();
    try {
      return await w.run(awsRequestId, options.invokedArn, payload, timeoutMs);
    } finally {
      this.release(w);
    }
  }

  /**
   * Stops the workers: idle ones now, busy ones when their invocation ends (a reload lets
   * in-flight requests finish), or at once with `force`.
   */
  async close(force = false): Promise<void> {
    this.closed = true;
    const idle = this.idle.splice(0);
    await Promise.all(idle.map((w) => w.terminate()));
    if (force) {
      await Promise.all([...this.busy].map((w) => w.terminate()));
      return;
    }
    while (this.busy.size > 0) await new Promise((r) => setTimeout(r, 20));
  }
}

/** The environment one version of a function sees: its own variables, Lambda's, and the local back ends. */
export function lambdaEnvironment(fn: FunctionModel, version: string, backends: BackendEndpoints): Record<string, string> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    LANG: "en_US.UTF-8",
    AWS_REGION: fn.region,
    AWS_DEFAULT_REGION: fn.region,
    // Keys the local S3 verifies signatures with (presigned URLs included).
    AWS_ACCESS_KEY_ID: WORKER_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: WORKER_CREDENTIALS.secretAccessKey,
    AWS_LAMBDA_FUNCTION_NAME: fn.functionName,
    AWS_LAMBDA_FUNCTION_VERSION: version,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memoryMb),
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${fn.functionName}`,
    AWS_EXECUTION_ENV: `AWS_Lambda_${fn.runtime}`,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    AWS_EC2_METADATA_DISABLED: "true",
  };
  if (backends.dynamodb) env.AWS_ENDPOINT_URL_DYNAMODB = backends.dynamodb;
  if (backends.s3) env.AWS_ENDPOINT_URL_S3 = backends.s3;
  if (backends.ses) {
    env.AWS_ENDPOINT_URL_SES = backends.ses;
    env.AWS_ENDPOINT_URL_SESV2 = backends.ses;
  }
  if (backends.lambda) {
    env.AWS_ENDPOINT_URL_LAMBDA = backends.lambda.endpoint;
    env.AWS_SESSION_TOKEN = backends.lambda.sessionToken(fn.functionName);
  }
  return { ...env, ...fn.environment };
}

/**
 * Runners for every function, one per (function, version) invoked. Locally a function has
 * one code folder (its current zip), so every version runs that code; what differs per
 * version is the environment and the context (`functionVersion`).
 */
export class FunctionPool {
  private readonly code = new Map<string, { fn: FunctionModel; codeDir: string }>();
  private readonly runners = new Map<string, FunctionRunner>();
  private closed = false;
  /** Functions that could not be prepared (their invocations answer 502). */
  readonly problems: string[] = [];

  private constructor(
    private readonly backends: BackendEndpoints,
    private readonly output?: (line: string) => void,
  ) {}

  /** `output` receives the handlers' stdout and stderr lines; default: this process's own streams. */
  static async create(functions: readonly FunctionModel[], stateDir: string, backends: BackendEndpoints, generation = 0, output?: (line: string) => void): Promise<FunctionPool> {
    const pool = new FunctionPool(backends, output);
    for (const fn of functions) {
      const codeDir = join(stateDir, "functions", generation === 0 ? fn.functionName : `${fn.functionName}@${generation}`);
      try {
        await unzip(fn.zipPath, codeDir);
      } catch (error) {
        pool.problems.push(`function ${fn.functionName}: cannot unzip ${fn.zipPath}: ${(error as Error).message}`);
        continue;
      }
      pool.code.set(fn.functionName, { fn, codeDir });
    }
    return pool;
  }

  /** The runner of one version of a function (made on first use); undefined for an unknown function. */
  get(functionName: string, version: string): FunctionRunner | undefined {
    const key = `${functionName}\u0000${version}`;
    let runner = this.runners.get(key);
    if (runner) return runner;
    const code = this.code.get(functionName);
    if (!code) return undefined;
    runner = new FunctionRunner(code.fn, version, code.codeDir, lambdaEnvironment(code.fn, version, this.backends), this.output);
    this.runners.set(key, runner);
    // A pool already closed (a reload swapped it out) refuses new invocations.
    if (this.closed) void runner.close(true);
    return runner;
  }

  /**
   * Swaps one function's code for the bundle in `codeDir` (the dev loop): the function's
   * runners stop taking invocations (in-flight ones finish on the old code), and the next
   * invocation of each version starts on the new code; versions that were warm are warmed
   * again at once. Returns the previous code folder; undefined for an unknown function.
   */
  replaceCode(functionName: string, codeDir: string): string | undefined {
    const code = this.code.get(functionName);
    if (!code) return undefined;
    this.code.set(functionName, { fn: code.fn, codeDir });
    const prefix = `${functionName}\u0000`;
    for (const [key, runner] of [...this.runners]) {
      if (!key.startsWith(prefix)) continue;
      this.runners.delete(key);
      void runner.close(false);
      if (!this.closed) void this.get(functionName, runner.version)!.warm();
    }
    return code.codeDir;
  }

  /** Loads every handler ahead of the first request, in `$LATEST` and each version an alias points to. */
  async warm(): Promise<(LambdaError | undefined)[]> {
    const runners = [...this.code.values()].flatMap(({ fn }) => [...new Set(["$LATEST", ...fn.aliases.values()])].map((v) => this.get(fn.functionName, v)!));
    return Promise.all(runners.map((r) => r.warm()));
  }

  all(): FunctionRunner[] {
    return [...this.runners.values()];
  }

  /** `force` ends in-flight invocations too (shutdown); otherwise they finish first (reload). */
  async close(force = true): Promise<void> {
    this.closed = true;
    await Promise.all(this.all().map((r) => r.close(force)));
  }
}
