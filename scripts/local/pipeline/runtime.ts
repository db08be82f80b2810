/**
 * The gateway runtime: from a request as the HTTP adapter received it to the response. Finds
 * the API stage (`/<stack>/<stage>/...`), builds the invocation, runs the chain, then the
 * response steps: request ids, `$context` figures, extra headers and the access log.
 */
import type { IncomingMessage } from "node:http";
import type { LocalCognito } from "../authorizers";
import type { GatewayModel } from "../model/types";
import { newContext, readRequest } from "../request";
import type { HttpResponse } from "../responses";
import type { FunctionPool } from "../workers";
import { AccessLogs } from "./access-log";
import { runChain } from "./chain";
import { GatewayError, renderError } from "./errors";
import type { Invocation } from "./invocation";
import { GatewayState } from "./state";

export interface RuntimeOptions {
  /** Folder for `<stack>-<stage>.log` access logs; none when undefined. */
  readonly logDir?: string;
  /** Where access log lines and gateway notices go (default: console). */
  readonly log?: (line: string) => void;
}

const EMPTY = Buffer.alloc(0);

export class GatewayRuntime {
  private readonly gw: GatewayState;
  private readonly logs: AccessLogs;

  constructor(model: GatewayModel, pool: FunctionPool, cognito: LocalCognito, options: RuntimeOptions = {}) {
    const log = options.log ?? ((line: string) => console.log(line));
    this.gw = new GatewayState(model, pool, cognito, log);
    this.logs = new AccessLogs(log, options.logDir);
  }

  /** Replaces the model and functions (watch mode); counters, quotas and caches survive. Returns the old pool. */
  swap(model: GatewayModel, pool: FunctionPool): FunctionPool {
    return this.gw.swap(model, pool);
  }

  get current(): GatewayModel {
    return this.gw.model;
  }

  /**
   * Answers one request. `readBody` gives the body, or throws a `GatewayError` (too large),
   * or anything else when the client went away (which this rethrows).
   */
  async handle(http: IncomingMessage, readBody: () => Promise<Buffer>): Promise<HttpResponse> {
    const started = performance.now();
    const url = http.url ?? "/";
    const q = url.indexOf("?");
    const rawPath = q < 0 ? url : url.slice(0, q);
    // `/<stack>/<stage>/<path below the stage>`: the first two segments name the API stage.
    const a = rawPath.indexOf("/");
    const b = a < 0 ? -1 : rawPath.indexOf("/", a + 1);
    const c = b < 0 ? -1 : rawPath.indexOf("/", b + 1);
    const served = this.gw.served.get(a < 0 ? "/" : b < 0 ? `${rawPath.slice(a + 1)}/` : rawPath.slice(a + 1, c < 0 ? undefined : c));
    let body: Buffer = EMPTY;
    let failure: GatewayError | undefined;
    try {
      body = await readBody();
    } catch (error) {
      if (!(error instanceof GatewayError)) throw error;
      failure = error;
    }
    if (!served) return renderError(failure ?? new GatewayError("MISSING_AUTHENTICATION_TOKEN"), {});
    const { api, stage } = served;
    const req = readRequest(http, c < 0 ? "/" : rawPath.slice(c), q < 0 ? "" : url.slice(q + 1), body);
    const ctx = newContext(api, stage, req, api.stack);
    const inv: Invocation = { gw: this.gw, api, stage, req, ctx, started, pathParameters: {}, methodPath: "", policy: "allow", extraHeaders: {} };
    if (failure) inv.response = renderError(failure, inv);
    else await runChain(inv);
    return this.finish(inv);
  }

  /** The response steps: what every answer carries, and the access log line. */
  private finish(inv: Invocation): HttpResponse {
    const response = inv.response!;
    const { ctx } = inv;
    Object.assign(response.headers, inv.extraHeaders);
    response.headers["x-amzn-RequestId"] = ctx.requestId;
    response.headers["x-amz-apigw-id"] = ctx.extendedRequestId;
    // An answer that came through a back end carries the trace header (recorded: not MOCK's, not a gateway error's).
    if (inv.integration && inv.method?.integration?.type !== "MOCK") response.headers["X-Amzn-Trace-Id"] = ctx.traceId;
    if (inv.integrationStarted !== undefined) {
      ctx.integrationLatency = Math.round(performance.now() - inv.integrationStarted);
      ctx.integration = { latency: ctx.integrationLatency, status: response.status, integrationStatus: response.status, error: ctx.integrationErrorMessage };
    }
    ctx.status = response.status;
    ctx.responseLength = response.body.length;
    ctx.responseLatency = Math.round(performance.now() - inv.started);
    this.logs.write(inv);
    return response;
  }

  /** Flushes and closes the access log files. */
  close(): Promise<void> {
    return this.logs.close();
  }
}
