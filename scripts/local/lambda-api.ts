/**
 * Lambda's `Invoke` API on loopback, for handlers that invoke other functions (exposed to
 * them as `AWS_ENDPOINT_URL_LAMBDA`):
 *   POST /2015-03-31/functions/{FunctionName}/invocations[?Qualifier=...]
 *   X-Amz-Invocation-Type: RequestResponse (default) → 200 with the function's result, and
 *                          `X-Amz-Function-Error: Unhandled` when it threw, crashed or timed out;
 *                          Event → 202 at once, the invocation runs in the function's workers,
 *                          retried per its event invoke config, then recorded to its on-failure
 *                          destination; DryRun → 204 after the checks.
 * The caller is known by the session token each function's workers get (as Lambda gives each
 * execution environment its role's credentials): a function may invoke another only when
 * its role's policies or the target's resource policy allow it (403 AccessDeniedException).
 * Callers without a function's token (a test, the CLI) are the account's administrator.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { appendFileSync, mkdirSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { resolveTarget, type LambdaTarget } from "./lambda";
import { assumedRoleArn, identityDecision, resourcePolicyAllows } from "./lambda-iam";
import { ACCOUNT_ID } from "./model/computed";
import type { FunctionModel, PermissionModel } from "./model/types";
import type { InvokeOptions, InvokeResult } from "./workers";

/** What the API invokes: the gateway's current model and function pool (both change on reload). */
export interface LambdaApiHost {
  functions(): readonly FunctionModel[];
  permissions(): readonly PermissionModel[];
  runner(functionName: string, version: string): Invoker | undefined;
}

/** What runs an invocation: a function's warm workers (workers.ts), or anything that invokes like them. */
export interface Invoker {
  invoke(event: unknown, options: InvokeOptions): Promise<InvokeResult>;
}

export interface LambdaApiOptions {
  /** Where on-failure records of asynchronous invocations are appended (`<function>.jsonl`). */
  readonly failureDir: string;
  readonly log?: (line: string) => void;
  /**
   * Waits before each retry of a failed asynchronous invocation. Lambda waits about 1 and
   * then 2 minutes; locally 1 and 2 seconds, so a retried job ends while one watches.
   */
  readonly retryDelaysMs?: readonly number[];
}

export interface LambdaApi {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  /** The session token a function's workers sign with (`AWS_SESSION_TOKEN`). */
  sessionToken(functionName: string): string;
  /** Resolves when no asynchronous invocation is queued or running. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/** Lambda's payload limits: 6 MB for synchronous invocations, 1 MB for asynchronous ones. */
const SYNC_LIMIT = 6 * 1024 * 1024;
const ASYNC_LIMIT = 1024 * 1024;
const PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;

class LambdaApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size <= limit) chunks.push(c);
    });
    req.on("end", () => resolve(size > limit ? undefined : Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function send(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "Content-Type": "application/json", "x-amzn-RequestId": randomUUID(), ...headers });
  res.end(body);
}

function sendError(res: ServerResponse, err: LambdaApiError): void {
  // Lambda's error shape: the type in `x-amzn-ErrorType`, `{"Type": "User", "message": ...}`.
  send(res, err.status, JSON.stringify({ Type: "User", message: err.message }), { "x-amzn-ErrorType": err.type });
}

function errorPayload(result: Extract<InvokeResult, { ok: false }>, requestId: string): string {
  const { errorType, errorMessage, trace } = result.error;
  const message = result.kind === "timeout" ? `RequestId: ${requestId} Error: ${errorMessage}` : errorMessage;
  return JSON.stringify({ errorType, errorMessage: message, ...(trace ? { trace } : {}) });
}

export async function startLambdaApi(host: LambdaApiHost, options: LambdaApiOptions): Promise<LambdaApi> {
  const log = options.log ?? ((line: string) => console.log(line));
  const delays = options.retryDelaysMs ?? [1000, 2000];
  const secret = randomBytes(12).toString("base64url");
  const inFlight = new Set<Promise<void>>();
  let closed = false;

  const sessionToken = (functionName: string): string => `local-${secret}-${Buffer.from(functionName).toString("base64url")}`;
  const callerOf = (req: IncomingMessage): FunctionModel | undefined => {
    const token = req.headers["x-amz-security-token"];
    if (typeof token !== "string" || !token.startsWith(`local-${secret}-`)) return undefined;
    const name = Buffer.from(token.slice(`local-${secret}-`.length), "base64url").toString("utf8");
    return host.functions().find((f) => f.functionName === name);
  };

  function authorize(caller: FunctionModel | undefined, target: LambdaTarget): void {
    if (caller === undefined) return;
    const decision = identityDecision(caller.rolePolicies ?? [], "lambda:InvokeFunction", target.invokedArn);
    if (decision.allowed) return;
    if (decision.reason === "no-allow" && resourcePolicyAllows(host.permissions(), target.fn, target.qualifier, caller.roleArn)) return;
    const why = decision.reason === "explicit-deny" ? "with an explicit deny in an identity-based policy" : "because no identity-based policy allows the lambda:InvokeFunction action";
    throw new LambdaApiError(403, "AccessDeniedException", `User: ${assumedRoleArn(caller)} is not authorized to perform: lambda:InvokeFunction on resource: ${target.invokedArn} ${why}`);
  }

  function failureRecord(target: LambdaTarget, payload: unknown, result: Extract<InvokeResult, { ok: false }>, requestId: string, attempts: number): void {
    const destination = target.fn.asyncInvoke?.onFailure;
    const record = {
      version: "1.0",
      timestamp: new Date().toISOString(),
      requestContext: { requestId, functionArn: target.invokedArn, condition: "RetriesExhausted", approximateInvokeCount: attempts },
      requestPayload: payload,
      responseContext: { statusCode: 200, executedVersion: target.version, functionError: "Unhandled" },
      responsePayload: JSON.parse(errorPayload(result, requestId)) as unknown,
      destination: destination ?? null,
    };
    mkdirSync(options.failureDir, { recursive: true });
    appendFileSync(join(options.failureDir, `${target.fn.functionName}.jsonl`), `${JSON.stringify(record)}\n`);
    log(`lambda: asynchronous invocation of ${target.fn.functionName} failed after ${attempts} attempt(s) (${result.error.errorType}); recorded${destination ? ` for ${destination}` : " (no on-failure destination)"}`);
  }

  async function runAsync(target: LambdaTarget, payload: unknown, requestId: string): Promise<void> {
    const retries = target.fn.asyncInvoke?.maximumRetryAttempts ?? 2;
    let last: Extract<InvokeResult, { ok: false }> | undefined;
    for (let attempt = 0; attempt <= retries && !closed; attempt += 1) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, delays[Math.min(attempt - 1, delays.length - 1)]));
      const runner = host.runner(target.fn.functionName, target.version);
      if (!runner) return;
      const result = await runner.invoke(payload, { invokedArn: target.invokedArn });
      if (result.ok) return;
      last = result;
    }
    if (last && !closed) failureRecord(target, payload, last, requestId, retries + 1);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = URL.canParse(req.url ?? "/", "http://127.0.0.1") ? new URL(req.url ?? "/", "http://127.0.0.1") : new URL("http://127.0.0.1/");
    const m = PATH.exec(url.pathname);
    if (!m || req.method !== "POST") throw new LambdaApiError(404, "UnknownOperationException", `Unknown operation ${req.method} ${url.pathname}`);
    const type = String(req.headers["x-amz-invocation-type"] ?? "RequestResponse");
    if (!["RequestResponse", "Event", "DryRun"].includes(type)) {
      throw new LambdaApiError(400, "InvalidParameterValueException", `1 validation error detected: Value '${type}' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]`);
    }
    let name: string;
    try {
      name = decodeURIComponent(m[1]!);
    } catch {
      throw new LambdaApiError(400, "ValidationException", `1 validation error detected: Value '${m[1]!.slice(0, 140)}' at 'functionName' failed to satisfy constraint: Member must be a function name, ARN or partial ARN (a malformed %-escape)`);
    }
    const qualifier = url.searchParams.get("Qualifier") ?? undefined;
    const ref = qualifier === undefined || /:function:[^:]+:/.test(name) ? name : `${name}:${qualifier}`;
    const target = resolveTarget(host.functions(), ref);
    if (!target) {
      const region = host.functions()[0]?.region ?? "us-east-1";
      const arn = name.startsWith("arn:") ? name : `arn:aws:lambda:${region}:${ACCOUNT_ID}:function:${ref}`;
      throw new LambdaApiError(404, "ResourceNotFoundException", `Function not found: ${arn}`);
    }
    authorize(callerOf(req), target);
    const limit = type === "Event" ? ASYNC_LIMIT : SYNC_LIMIT;
    const body = await readBody(req, limit);
    if (body === undefined) {
      throw new LambdaApiError(413, "RequestTooLargeException", `Request must be smaller than ${limit} bytes for the ${type === "Event" ? "Event" : "RequestResponse"} invocation type`);
    }
    let payload: unknown = {};
    if (body.length > 0) {
      try {
        payload = JSON.parse(body.toString("utf8"));
      } catch (err) {
        throw new LambdaApiError(400, "InvalidRequestContentException", `Could not parse request body into json: ${(err as Error).message}`);
      }
    }
    if (type === "DryRun") return send(res, 204, "");
    const requestId = randomUUID();
    if (type === "Event") {
      const job = runAsync(target, payload, requestId)
        .catch((err: unknown) => log(`lambda: asynchronous invocation of ${target.fn.functionName} could not run: ${String(err)}`))
        .finally(() => inFlight.delete(job));
      inFlight.add(job);
      return send(res, 202, "", { "x-amzn-RequestId": requestId });
    }
    const runner = host.runner(target.fn.functionName, target.version);
    if (!runner) throw new LambdaApiError(502, "ServiceException", `Function ${target.fn.functionName} cannot run locally`);
    const result = await runner.invoke(payload, { invokedArn: target.invokedArn });
    const headers = { "X-Amz-Executed-Version": target.version, "x-amzn-RequestId": requestId };
    if (result.ok) return send(res, 200, result.payload, headers);
    return send(res, 200, errorPayload(result, requestId), { ...headers, "X-Amz-Function-Error": "Unhandled" });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (res.headersSent) return void res.end();
      if (err instanceof LambdaApiError) return sendError(res, err);
      log(`lambda: ${(err as Error).stack ?? String(err)}`);
      sendError(res, new LambdaApiError(500, "ServiceException", "The local Lambda API failed; see the gateway log."));
    });
  });
  await new Promise<void>((ok, fail) => {
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => ok());
  });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    endpoint,
    sessionToken,
    async idle() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    async close() {
      closed = true;
      await new Promise<void>((ok) => {
        server.close(() => ok());
        server.closeAllConnections();
      });
    },
  };
}
