/**
 * One local Lambda execution environment: a worker thread that imports the handler once
 * (init, under its own time limit) and runs invocations strictly one at a time, in the order
 * they were given. A worker may hold a few invocations ahead of the one running (so it goes
 * from one to the next without waiting to be woken); the invocations given to a worker in
 * one turn of the event loop go to its thread in one message. Each invocation's timeout
 * starts when it starts: when posted to a free worker, or when the answer before it arrives.
 * A crash or a timeout ends the worker: the invocation running gets the error, and the ones
 * held behind it, which never started, go back to the runner for another worker.
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker, type WorkerOptions } from "node:worker_threads";

const RUNTIME = join(dirname(fileURLToPath(import.meta.url)), "lambda-runtime.mjs");

/**
 * This process's Node options without a module loader from tsx (which `npm start` runs under):
 * a worker runs plain JavaScript (this runtime and the function's bundle), and a loader in each
 * worker roughly doubled its start (measured: about 100 ms against 50).
 */
let workerExecArgv: string[] | undefined = withoutTsx(process.execArgv);
if (workerExecArgv.length === process.execArgv.length) workerExecArgv = undefined;

/**
 * A worker given options explicitly refuses the ones that act on the whole process (V8 flags
 * such as `--max-old-space-size`); left to inherit them, it ignores those. With such options,
 * workers inherit everything, the loader included.
 */
function newWorker(options: WorkerOptions): Worker {
  if (workerExecArgv) {
    try {
      return new Worker(RUNTIME, { ...options, execArgv: workerExecArgv });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ERR_WORKER_INVALID_EXEC_ARGV") throw error;
      workerExecArgv = undefined;
    }
  }
  return new Worker(RUNTIME, options);
}

function withoutTsx(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    const m = /^(--require|-r|--import|--loader|--experimental-loader)(?:=(.*))?$/.exec(args[i]!);
    if (!m) {
      out.push(args[i]!);
      continue;
    }
    const inline = m[2] !== undefined;
    const value = inline ? m[2]! : (args[i + 1] ?? "");
    const option = inline ? [args[i]!] : [args[i]!, value];
    if (!inline) i += 1;
    if (!/(^|[\\/])tsx([\\/]|$)/.test(value)) out.push(...option);
  }
  return out;
}

/** Lambda's limit on the init phase (module import), separate from the function timeout. */
const INIT_TIMEOUT_MS = 10_000;

export interface LambdaError {
  errorType: string;
  errorMessage: string;
  trace?: string[];
}

/**
 * `handled`: the handler threw or rejected; `crash`: the worker died; `timeout`: past the
 * function timeout; `payload`: the payload could not be sent, nothing ran (Lambda's
 * `InvalidRequestContentException`).
 */
export type InvokeFailure = { ok: false; kind: "handled" | "crash" | "timeout" | "payload"; error: LambdaError };

/** An invocation's outcome: the result as JSON text (its payload), or the failure. */
export type InvokeResult = { ok: true; payload: string } | InvokeFailure;

/**
 * The same, for a caller that asked for the result as a value: what `JSON.parse` of its payload
 * gives, as a structured clone when the result was plain data, else parsed from the payload here
 * (undefined when the payload is not JSON: a handler that returned a function).
 */
export type ValueResult = { ok: true; value: unknown } | InvokeFailure;

/** One invocation on its way through a worker. */
export interface Job {
  /** `<request id>\n<timeout ms>\n<invoked ARN>\n<flags>\n<payload>`, as lambda-runtime.mjs reads it. */
  readonly message: string;
  readonly timeoutMs: number;
  /** The result is wanted as a value (flags `v`): `resolve` gets a `ValueResult`, else an `InvokeResult`. */
  readonly asValue: boolean;
  readonly resolve: (r: InvokeResult | ValueResult) => void;
  timer?: NodeJS.Timeout;
}

/** What a worker knows of the function version it runs, for the handler's context. */
export interface WorkerIdentity {
  readonly handler: string;
  readonly functionName: string;
  readonly functionVersion: string;
  readonly memoryLimitInMB: number;
}

export interface WorkerEvents {
  /** An invocation ended after running `runUs` µs in the thread, and the worker lives on. */
  readonly free: (w: LambdaWorker, runUs: number) => void;
  /** The worker ended; `unstarted` are the invocations it held that never ran, in order. */
  readonly death: (w: LambdaWorker, unstarted: Job[]) => void;
  /** The handlers' stdout and stderr lines; default: this process's own streams. */
  readonly output?: (line: string) => void;
}

/** Workers with invocations to post at the end of this turn of the event loop. */
const toFlush = new Set<LambdaWorker>();
let flushScheduled = false;

function flushAll(): void {
  flushScheduled = false;
  const workers = [...toFlush];
  toFlush.clear();
  for (const w of workers) w.flush();
}

function payloadError(error: unknown): InvokeResult {
  return { ok: false, kind: "payload", error: { errorType: "InvalidRequestContentException", errorMessage: `Could not send the payload to the function: ${(error as Error).message}` } };
}

/** The parsed JSON text; undefined for a text that is not JSON (a handler that returned a function). */
function parsedOrUndefined(json: string): unknown {
  try {
    return JSON.parse(json) as unknown;
  } catch {
    return undefined;
  }
}

function onTimeout(w: LambdaWorker, job: Job): void {
  w.timedOut(job);
}

export class LambdaWorker {
  private readonly worker: Worker;
  /** Resolves when the handler module is imported: undefined, or the init error. */
  readonly ready: Promise<LambdaError | undefined>;
  private initError: LambdaError | undefined;
  private initialized = false;
  /** Posted to the thread, in the order it runs them: the first is the one running. */
  private readonly posted: Job[] = [];
  /** Given to this worker, posted at the end of this turn of the event loop. */
  private readonly outbox: Job[] = [];
  dead = false;
  /** The runner was told of this worker's end. */
  private reported = false;
  /** How many invocations the thread has started (it counts them here, lambda-runtime.mjs), and how many were answered. */
  private readonly started = new Int32Array(new SharedArrayBuffer(4));
  private answers = 0;

  constructor(codeDir: string, identity: WorkerIdentity, env: Record<string, string>, private readonly events: WorkerEvents) {
    const output = events.output;
    this.worker = newWorker({
      workerData: { codeDir, ...identity, started: this.started.buffer },
      env,
      stdout: output !== undefined,
      stderr: output !== undefined,
      // The function's memory size bounds the worker's heap: running out ends the invocation as on Lambda.
      resourceLimits: { maxOldGenerationSizeMb: Math.max(64, identity.memoryLimitInMB) },
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
    const settleInit = (error: LambdaError | undefined) => {
      clearTimeout(initTimer);
      if (this.initialized || this.initError) return;
      if (error) this.initError = error;
      else this.initialized = true;
      markReady(error);
      this.schedule();
    };
    const initTimer = setTimeout(() => {
      settleInit({ errorType: "Runtime.InitTimeout", errorMessage: `init did not finish in ${INIT_TIMEOUT_MS / 1000} s` });
      void this.terminate();
    }, INIT_TIMEOUT_MS);
    this.worker.on("message", (msg: string | [number, unknown] | { type: "ready"; error?: LambdaError }) => {
      if (typeof msg === "string") this.answered(msg);
      else if (Array.isArray(msg)) this.answeredValue(msg[0], msg[1]);
      else settleInit(msg.error);
    });
    const die = (error: LambdaError) => {
      // A death before init finished is the init error.
      settleInit(error);
      if (this.reported) return;
      this.dead = true;
      // Before init finished, the first invocation given gets the init error, as on Lambda.
      // The first invocation held is running only if the thread started it: a worker can also
      // die between two (what the last one left to the event loop threw), and then the next one
      // never ran and goes to another worker like the others held.
      const running = !this.initialized ? (this.posted.shift() ?? this.outbox.shift()) : Atomics.load(this.started, 0) > this.answers ? this.posted.shift() : undefined;
      this.end(running, { ok: false, kind: "crash", error: this.initialized ? error : this.initError! });
    };
    // Node may emit a thread's 'error' before messages it posted earlier (an answer followed by
    // a throw it left to the event loop), but emits every message before 'exit': the worker
    // takes no more invocations from the error on, and ends at 'exit' with the error's reason.
    let failure: LambdaError | undefined;
    this.worker.on("error", (err) => {
      failure ??= { errorType: err.name || "Error", errorMessage: err.message };
      this.dead = true;
    });
    this.worker.on("exit", (code) => die(failure ?? { errorType: "Runtime.ExitError", errorMessage: `RequestId: exited before completing request (status ${code})` }));
  }

  /** True when invocations given to it in this turn of the event loop wait to be posted. */
  get posting(): boolean {
    return this.outbox.length > 0;
  }

  /** Invocations given and not yet answered. */
  get load(): number {
    return this.posted.length + this.outbox.length;
  }

  /** Takes an invocation; it is posted with the others given in this turn of the event loop. */
  assign(job: Job): void {
    this.outbox.push(job);
    this.schedule();
  }

  private schedule(): void {
    if (this.outbox.length === 0 || !(this.initialized || this.initError)) return;
    toFlush.add(this);
    if (!flushScheduled) {
      flushScheduled = true;
      setImmediate(flushAll);
    }
  }

  /** Posts what was given in this turn (flushAll). */
  flush(): void {
    if (this.dead || this.outbox.length === 0) return;
    if (this.initError) {
      // Init failed: the first invocation gets the init error, as on Lambda, and the worker ends.
      this.dead = true;
      void this.worker.terminate();
      this.end(this.outbox.shift(), { ok: false, kind: "crash", error: this.initError });
      return;
    }
    const jobs = this.outbox.splice(0);
    const wasFree = this.posted.length === 0;
    try {
      // Strings are the cheapest to post (lambda-runtime.mjs reads one string or an array of them).
      this.worker.postMessage(jobs.length === 1 ? jobs[0]!.message : jobs.map((j) => j.message));
      for (const job of jobs) this.posted.push(job);
    } catch {
      // One at a time, so that only an invocation that cannot be sent fails: nothing ran, no timer.
      for (const job of jobs) {
        try {
          this.worker.postMessage(job.message);
          this.posted.push(job);
        } catch (error) {
          job.resolve(payloadError(error));
        }
      }
    }
    if (wasFree && this.posted.length > 0) this.start(this.posted[0]!);
  }

  private start(job: Job): void {
    job.timer = setTimeout(onTimeout, job.timeoutMs, this, job);
  }

  /** The thread answered the invocation it was running: `1` (result) or `0` (error), its run time in µs, `\n`, the JSON. */
  private answered(msg: string): void {
    const job = this.next();
    if (!job) return;
    const nl = msg.indexOf("\n");
    const json = msg.slice(nl + 1);
    if (msg.charCodeAt(0) !== 49) job.resolve({ ok: false, kind: "handled", error: JSON.parse(json) as LambdaError });
    else if (job.asValue) job.resolve({ ok: true, value: parsedOrUndefined(json) });
    else job.resolve({ ok: true, payload: json });
    this.events.free(this, Number(msg.slice(1, nl)));
  }

  /** The thread answered with JSON's view of a plain-data result (asked for as a value). */
  private answeredValue(runUs: number, value: unknown): void {
    const job = this.next();
    if (!job) return;
    job.resolve({ ok: true, value });
    this.events.free(this, runUs);
  }

  /** The invocation just answered; the one after it starts now, in the thread. */
  private next(): Job | undefined {
    const job = this.posted.shift();
    if (!job) return undefined;
    this.answers += 1;
    clearTimeout(job.timer);
    if (this.posted.length > 0) this.start(this.posted[0]!);
    return job;
  }

  /** A timer ran out: only its own invocation's, and only while that one is running. */
  timedOut(job: Job): void {
    if (this.dead || this.posted[0] !== job) return;
    this.posted.shift();
    this.dead = true;
    void this.worker.terminate();
    this.end(job, { ok: false, kind: "timeout", error: { errorType: "Sandbox.Timedout", errorMessage: `Task timed out after ${(job.timeoutMs / 1000).toFixed(2)} seconds` } });
  }

  /** The worker has ended: `running` gets `result`; the invocations held behind it never started and go back to the runner. */
  private end(running: Job | undefined, result: InvokeResult): void {
    this.reported = true;
    const unstarted = [...this.posted.splice(0), ...this.outbox.splice(0)];
    for (const job of unstarted) clearTimeout(job.timer);
    if (running) {
      clearTimeout(running.timer);
      running.resolve(result);
    }
    this.events.death(this, unstarted);
  }

  terminate(): Promise<number> {
    this.dead = true;
    return this.worker.terminate();
  }
}
