/**
 * Local Lambda: each function's zip unzipped to `<stateDir>/functions/<name>/` and run in
 * warm worker threads (lambda-worker.ts: one invocation at a time per worker, as a Lambda
 * execution environment), with the function's environment, timeout and a context shaped like
 * Lambda's. A crash or a timeout ends that worker; the next invocation gets a fresh one.
 */
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { WORKER_CREDENTIALS } from "./backends/credentials";
import { JsonPayload } from "./json-text";
import { LambdaWorker, type InvokeResult, type Job, type LambdaError, type ValueResult } from "./lambda-worker";
import { unzip } from "./unzip";
import type { FunctionModel } from "./model/types";

export type { InvokeResult, LambdaError, ValueResult } from "./lambda-worker";

const MAX_WORKERS_PER_FUNCTION = 4;
/**
 * Invocations a worker may hold: the one running and the ones it starts next without being
 * woken. Only when every worker is busy does one take more than the one it runs.
 */
const WORKER_DEPTH = 3;
/**
 * A function whose invocations run this short on average (µs) has them placed with a worker
 * that is awake already, up to `SHORT_DEPTH` held: waking a sleeping worker thread costs more
 * CPU than the invocation (on the 2-core VM the bench runs on, tens of µs of the gateway's
 * thread), and waiting behind such invocations costs at most 16 x 250 µs, typically well under
 * a millisecond. Longer ones go to a free worker first, as Lambda gives each concurrent request
 * its own execution environment.
 */
const SHORT_RUN_US = 250;
const SHORT_DEPTH = 16;

export interface BackendEndpoints {
  dynamodb?: string;
  s3?: string;
  ses?: string;
  /** The local Lambda Invoke API (lambda-api.ts) and the session token it knows each function by. */
  lambda?: { endpoint: string; sessionToken(functionName: string): string };
}

export interface InvokeOptions {
  /** ARN as invoked: unqualified, or qualified by version or alias. */
  readonly invokedArn: string;
  /** `value`: the result as a value (`ValueResult`), for a caller that would parse the payload. */
  readonly answer?: "value";
}

const CLOSED: InvokeResult = { ok: false, kind: "crash", error: { errorType: "Runtime.Closed", errorMessage: "the gateway is shutting down" } };

/**
 * The warm workers of one version of a function (`$LATEST`, `1`): on Lambda each version has
 * its own execution environments, with its own `AWS_LAMBDA_FUNCTION_VERSION`.
 */
export class FunctionRunner {
  private readonly workers: LambdaWorker[] = [];
  /** Invocations no worker can take yet, in arrival order. */
  private readonly queue: Job[] = [];
  private closed = false;
  private forced = false;
  /** Moving average of the invocations' run time in the worker, µs (unknown: long). */
  private runUs = Infinity;

  constructor(
    readonly fn: FunctionModel,
    /** The version these workers run: `$LATEST` or a published version number. */
    readonly version: string,
    private readonly codeDir: string,
    private readonly env: Record<string, string>,
    private readonly output?: (line: string) => void,
  ) {}

  private spawn(): LambdaWorker {
    const w = new LambdaWorker(
      this.codeDir,
      { handler: this.fn.handler, functionName: this.fn.functionName, functionVersion: this.version, memoryLimitInMB: this.fn.memoryMb },
      this.env,
      { free: (freed, runUs) => this.freed(freed, runUs), death: (dead, unstarted) => this.died(dead, unstarted), output: this.output },
    );
    this.workers.push(w);
    return w;
  }

  /**
   * Where the next invocation goes: for short invocations, a worker already being posted to
   * in this turn, else one awake (running); then a free worker, else a new one while there
   * is room, else the least loaded below the depth.
   */
  private pick(): LambdaWorker | undefined {
    if (this.runUs < SHORT_RUN_US) {
      let awake: LambdaWorker | undefined;
      for (const w of this.workers) {
        if (w.dead || w.load === 0 || w.load >= SHORT_DEPTH) continue;
        if (w.posting) return w;
        awake ??= w;
      }
      if (awake) return awake;
    }
    let best: LambdaWorker | undefined;
    for (const w of this.workers) {
      if (w.dead) continue;
      if (w.load === 0) return w;
      if (!best || w.load < best.load) best = w;
    }
    if (this.workers.length < MAX_WORKERS_PER_FUNCTION) return this.spawn();
    return best && best.load < WORKER_DEPTH ? best : undefined;
  }

  private pump(): void {
    while (this.queue.length > 0) {
      const w = this.pick();
      if (!w) return;
      w.assign(this.queue.shift()!);
    }
  }

  private freed(w: LambdaWorker, runUs: number): void {
    this.runUs = this.runUs === Infinity ? runUs : this.runUs + (runUs - this.runUs) / 8;
    if (this.queue.length > 0) this.pump();
    else if (this.closed && w.load === 0) this.remove(w, true);
  }

  private died(w: LambdaWorker, unstarted: Job[]): void {
    this.remove(w, false);
    if (this.forced) {
      for (const job of unstarted) job.resolve(CLOSED);
      return;
    }
    // Never started: they go first, to a fresh worker or another one.
    this.queue.unshift(...unstarted);
    this.pump();
  }

  private remove(w: LambdaWorker, terminate: boolean): void {
    const i = this.workers.indexOf(w);
    if (i >= 0) this.workers.splice(i, 1);
    if (terminate) void w.terminate();
  }

  /** Loads the handler in one worker ahead of the first request. */
  async warm(): Promise<LambdaError | undefined> {
    const w = this.workers.find((x) => !x.dead) ?? (this.workers.length < MAX_WORKERS_PER_FUNCTION ? this.spawn() : undefined);
    return w?.ready;
  }

  /**
   * Runs one invocation. `event` is sent as JSON text, as Lambda receives a payload: pass a
   * `jsonPayload(text)` when the JSON text is at hand (it is sent as is).
   */
  invoke(event: unknown, options: InvokeOptions & { readonly answer: "value" }): Promise<ValueResult>;
  invoke(event: unknown, options: InvokeOptions): Promise<InvokeResult>;
  async invoke(event: unknown, options: InvokeOptions): Promise<InvokeResult | ValueResult> {
    if (this.closed) return CLOSED;
    // Serialized before a worker is taken or a timer set: an event with no JSON text (too
    // deeply nested: RangeError, which the gateway answers 400; circular: TypeError) throws here.
    const payload = event instanceof JsonPayload ? event.text : (JSON.stringify(event) ?? "null");
    const timeoutMs = this.fn.timeoutSeconds * 1000;
    const asValue = options.answer === "value";
    return new Promise((resolve) => {
      // One string (lambda-runtime.mjs reads it): cheaper to post than an object.
      this.queue.push({ message: `${randomUUID()}\n${timeoutMs}\n${options.invokedArn}\n${asValue ? "v" : ""}\n${payload}`, timeoutMs, asValue, resolve });
      this.pump();
    });
  }

  /**
   * Stops the workers: free ones now, busy ones when the invocations they hold and the queue
   * are done (a reload lets in-flight requests finish), or at once with `force`.
   */
  async close(force = false): Promise<void> {
    this.closed = true;
    if (force) {
      this.forced = true;
      for (const job of this.queue.splice(0)) job.resolve(CLOSED);
      await Promise.all(this.workers.splice(0).map((w) => w.terminate()));
      return;
    }
    for (const w of [...this.workers]) if (w.load === 0) this.remove(w, true);
    while (this.queue.length > 0 || this.workers.some((w) => w.load > 0)) await new Promise((r) => setTimeout(r, 20));
    await Promise.all(this.workers.splice(0).map((w) => w.terminate()));
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
