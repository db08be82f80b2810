/**
 * One request as API Gateway sees it: headers with their case, query string, path
 * parameters, the `$context` variables, and the Lambda proxy event (v1) built from them.
 */
import { createHash, randomBytes, randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { DROPPED_REQUEST_HEADERS, requestHeaderName, traceHeader } from "./headers";
import { ACCOUNT_ID } from "./model/computed";
import type { ApiModel, ResourceNode, StageModel } from "./model/types";
import type { RequestParams } from "./vtl";

export interface GatewayRequest {
  readonly httpMethod: string;
  /** Path below the stage, leading slashes collapsed as API Gateway routes it (`/items/1` for `//items/1`). */
  readonly path: string;
  /** Path below the stage exactly as sent (`//items/1`); `requestContext.path` is the stage and this. @default path */
  readonly rawPath?: string;
  readonly headers: Record<string, string>;
  readonly multiValueHeaders: Record<string, string[]>;
  readonly query: Record<string, string>;
  readonly multiValueQuery: Record<string, string[]>;
  readonly body: Buffer;
  readonly sourceIp: string;
  /** Header values by lower-case name (`headers` indexed once per request); `header()` scans `headers` without it. */
  readonly lowerHeaders?: ReadonlyMap<string, string>;
}

/** Mutable per-request state: `$context` and what the access log reports. */
export interface RequestContext {
  accountId: string;
  apiId: string;
  stage: string;
  requestId: string;
  extendedRequestId: string;
  requestTime: string;
  requestTimeEpoch: number;
  httpMethod: string;
  path: string;
  resourcePath: string;
  resourceId: string;
  protocol: string;
  domainName: string;
  domainPrefix: string;
  /** A stable id for the stage's deployment (`$context.deploymentId`). */
  deploymentId: string;
  identity: Record<string, string | null>;
  authorizer?: Record<string, unknown>;
  /** The X-Ray trace header of this request (to the integration, and back on its answer). */
  traceId: string;
  error: { message?: string; messageString?: string; responseType?: string };
  status?: number;
  responseLength?: number;
  responseLatency?: number;
  integrationLatency?: number;
  integrationStatus?: number;
  integrationErrorMessage?: string;
  /** `$context.integration.*` for access logs. */
  integration?: { latency: number; status: number; integrationStatus: number; error?: string };
  [key: string]: unknown;
}

/**
 * The method request from the HTTP request: headers without the ones API Gateway drops
 * (hop-by-hop, `Content-Length`, ...), `Authorization` and `User-Agent` capitalised, others in
 * the client's case.
 */
/**
 * Objects whose prototype has no prototype: `__proto__`, `constructor` or `toString` are keys
 * like any other (API Gateway passes them through as sent), a missing name reads undefined,
 * and, unlike `Object.create(null)` maps, V8 keeps their properties fast.
 */
function Names(): void {}
Names.prototype = Object.create(null) as object;

/** An empty map for names a client chose. */
export function names<T>(): Record<string, T> {
  return new (Names as unknown as new () => Record<string, T>)();
}

export function readRequest(req: IncomingMessage, path: string, rawQuery: string, body: Buffer): GatewayRequest {
  const headers = names<string>();
  const multiValueHeaders = names<string[]>();
  // Lower-case name → the first spelling seen, which names the header in both maps.
  const spelling = new Map<string, string>();
  const lowerHeaders = new Map<string, string>();
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const lower = raw[i]!.toLowerCase();
    if (DROPPED_REQUEST_HEADERS.has(lower)) continue;
    const name = requestHeaderName(raw[i]!);
    const value = raw[i + 1]!;
    let existing = spelling.get(lower);
    if (existing === undefined) {
      existing = name;
      spelling.set(lower, name);
      multiValueHeaders[name] = [value];
    } else {
      multiValueHeaders[existing]!.push(value);
    }
    headers[existing] = value;
    lowerHeaders.set(lower, value);
  }
  const query = names<string>();
  const multiValueQuery = names<string[]>();
  if (rawQuery !== "") {
    for (const [k, v] of new URLSearchParams(rawQuery)) {
      (multiValueQuery[k] ??= []).push(v);
      query[k] = v;
    }
  }
  const remote = req.socket.remoteAddress;
  return { httpMethod: (req.method ?? "GET").toUpperCase(), path: path.startsWith("//") ? path.replace(/^\/{2,}/, "/") : path, rawPath: path, headers, multiValueHeaders, query, multiValueQuery, body, sourceIp: remote === undefined ? "127.0.0.1" : remote.startsWith("::ffff:") ? remote.slice(7) : remote, lowerHeaders };
}

export function header(req: GatewayRequest, name: string): string | undefined {
  const lower = name.toLowerCase();
  if (req.lowerHeaders) return req.lowerHeaders.get(lower);
  for (const [k, v] of Object.entries(req.headers)) if (k.toLowerCase() === lower) return v;
  return undefined;
}

let clfCache = { second: -1, text: "" };
let extendedCounter = 0;
const extendedPrefix = randomBytes(6).toString("base64url");

/** Common Log Format time, as `$context.requestTime`; computed once per second. */
function clfCached(epochMs: number): string {
  const second = Math.floor(epochMs / 1000);
  if (clfCache.second !== second) clfCache = { second, text: clf(new Date(epochMs)) };
  return clfCache.text;
}

function clf(date: Date): string {
  const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  const p = (n: number) => String(n).padStart(2, "0");
  return `${p(date.getUTCDate())}/${months[date.getUTCMonth()]}/${date.getUTCFullYear()}:${p(date.getUTCHours())}:${p(date.getUTCMinutes())}:${p(date.getUTCSeconds())} +0000`;
}

const deploymentIds = new WeakMap<StageModel, string>();

/** A deployment id of AWS's shape (10 lower-case letters and digits), stable per API stage. */
function deploymentIdOf(api: ApiModel, stage: StageModel): string {
  let id = deploymentIds.get(stage);
  if (id === undefined) {
    id = createHash("sha256").update(`${api.id}/${stage.name}`).digest("base64url").replace(/[^a-z0-9]/g, "").slice(0, 10).padEnd(10, "0");
    deploymentIds.set(stage, id);
  }
  return id;
}

/** `$context` for a request; `path` is the stage and the path as sent, as the client addressed API Gateway. */
export function newContext(api: ApiModel, stage: StageModel, req: GatewayRequest, _stackName?: string): RequestContext {
  const now = Date.now();
  const host = header(req, "host") ?? "127.0.0.1";
  const dot = host.indexOf(".");
  return {
    accountId: ACCOUNT_ID,
    apiId: api.id,
    stage: stage.name,
    requestId: randomUUID(),
    extendedRequestId: `${extendedPrefix}${(extendedCounter++ % 0xffffff).toString(36).padStart(8, "0")}`,
    requestTime: clfCached(now),
    requestTimeEpoch: now,
    httpMethod: req.httpMethod,
    path: `/${stage.name}${req.rawPath ?? req.path}`,
    resourcePath: "",
    resourceId: "",
    protocol: "HTTP/1.1",
    domainName: host,
    domainPrefix: dot < 0 ? host : host.slice(0, dot),
    deploymentId: deploymentIdOf(api, stage),
    traceId: traceHeader(header(req, "x-amzn-trace-id")),
    isCanaryRequest: false,
    identity: {
      cognitoIdentityPoolId: null,
      accountId: null,
      cognitoIdentityId: null,
      caller: null,
      sourceIp: req.sourceIp,
      principalOrgId: null,
      accessKey: null,
      cognitoAuthenticationType: null,
      cognitoAuthenticationProvider: null,
      userArn: null,
      userAgent: header(req, "user-agent") ?? null,
      user: null,
    },
    error: {},
  };
}

export function setResource(ctx: RequestContext, resource: ResourceNode): void {
  ctx.resourcePath = resource.path;
  ctx.resourceId = resource.id;
}

/** `$input.params()` for the method request. */
export function requestParams(req: GatewayRequest, pathParameters: Record<string, string>): RequestParams {
  return { path: pathParameters, querystring: req.query, header: req.headers };
}

function mediaTypeMatches(pattern: string, type: string): boolean {
  const [pm, ps] = pattern.toLowerCase().split("/");
  const [tm, ts] = type.toLowerCase().split(";")[0]!.trim().split("/");
  return (pm === "*" || pm === tm) && (ps === "*" || ps === ts);
}

export function isBinary(api: ApiModel, contentType: string | undefined): boolean {
  if (!contentType) return false;
  return api.binaryMediaTypes.some((p) => mediaTypeMatches(p.replace(/~1/g, "/"), contentType));
}

/**
 * True when the answer goes out as binary: the first media type of `Accept` names one of the
 * API's binary media types, exactly or under a `type/*` one (recorded: `image/*`, `*\/*` and a
 * later `image/png` in the list do not match `image/png`; a `*\/test` type matches nothing).
 */
export function acceptsBinary(api: ApiModel, accept: string | undefined): boolean {
  const first = accept?.split(",")[0]!.split(";")[0]!.trim().toLowerCase();
  if (!first || !/^[^/]+\/[^/]+$/.test(first)) return false;
  return api.binaryMediaTypes.some((raw) => {
    const type = raw.replace(/~1/g, "/").toLowerCase();
    if (type === first) return true;
    return type.endsWith("/*") && !type.startsWith("*") && first.startsWith(type.slice(0, -1));
  });
}
