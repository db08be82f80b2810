/**
 * One request as API Gateway sees it: headers with their case, query string, path
 * parameters, the `$context` variables, and the Lambda proxy event (v1) built from them.
 */
import { randomBytes, randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { ACCOUNT_ID } from "./model/computed";
import type { ApiModel, MethodModel, ResourceNode, StageModel } from "./model/types";
import type { RequestParams } from "./vtl";

export interface GatewayRequest {
  readonly httpMethod: string;
  /** Path below the stage, as sent (`/items/1`). */
  readonly path: string;
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
  identity: Record<string, string | null>;
  authorizer?: Record<string, unknown>;
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

export function readRequest(req: IncomingMessage, path: string, rawQuery: string, body: Buffer): GatewayRequest {
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  // Lower-case name → the first spelling seen, which names the header in both maps.
  const spelling = new Map<string, string>();
  const lowerHeaders = new Map<string, string>();
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    const value = raw[i + 1]!;
    const lower = name.toLowerCase();
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
  const query: Record<string, string> = {};
  const multiValueQuery: Record<string, string[]> = {};
  if (rawQuery !== "") {
    for (const [k, v] of new URLSearchParams(rawQuery)) {
      (multiValueQuery[k] ??= []).push(v);
      query[k] = v;
    }
  }
  const remote = req.socket.remoteAddress;
  return { httpMethod: (req.method ?? "GET").toUpperCase(), path, headers, multiValueHeaders, query, multiValueQuery, body, sourceIp: remote === undefined ? "127.0.0.1" : remote.startsWith("::ffff:") ? remote.slice(7) : remote, lowerHeaders };
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
function clfCached(now: Date): string {
  const second = Math.floor(now.getTime() / 1000);
  if (clfCache.second !== second) clfCache = { second, text: clf(now) };
  return clfCache.text;
}

function clf(date: Date): string {
  const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  const p = (n: number) => String(n).padStart(2, "0");
  return `${p(date.getUTCDate())}/${months[date.getUTCMonth()]}/${date.getUTCFullYear()}:${p(date.getUTCHours())}:${p(date.getUTCMinutes())}:${p(date.getUTCSeconds())} +0000`;
}

export function newContext(api: ApiModel, stage: StageModel, req: GatewayRequest, stackName: string): RequestContext {
  const now = new Date();
  const host = header(req, "host") ?? "127.0.0.1";
  return {
    accountId: ACCOUNT_ID,
    apiId: api.id,
    stage: stage.name,
    requestId: randomUUID(),
    extendedRequestId: `${extendedPrefix}${(extendedCounter++ % 0xffffff).toString(36).padStart(8, "0")}`,
    requestTime: clfCached(now),
    requestTimeEpoch: now.getTime(),
    httpMethod: req.httpMethod,
    path: `/${stackName}/${stage.name}${req.path}`,
    resourcePath: "",
    resourceId: "",
    protocol: "HTTP/1.1",
    domainName: host,
    domainPrefix: host.split(".")[0] ?? host,
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
      apiKey: null,
      apiKeyId: null,
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

/** The Lambda proxy integration event, version 1.0. */
export function proxyEvent(api: ApiModel, stage: StageModel, method: MethodModel, req: GatewayRequest, ctx: RequestContext, pathParameters: Record<string, string>) {
  const binary = isBinary(api, header(req, "content-type"));
  const hasQuery = Object.keys(req.query).length > 0;
  const { error: _error, status: _status, responseLength: _len, responseLatency: _lat, integrationLatency: _il, integrationStatus: _is, integrationErrorMessage: _iem, integration: _i, ...requestContext } = ctx;
  return {
    resource: method.resource.path,
    path: req.path,
    httpMethod: req.httpMethod,
    headers: Object.keys(req.headers).length > 0 ? req.headers : null,
    multiValueHeaders: Object.keys(req.multiValueHeaders).length > 0 ? req.multiValueHeaders : null,
    queryStringParameters: hasQuery ? req.query : null,
    multiValueQueryStringParameters: hasQuery ? req.multiValueQuery : null,
    pathParameters: Object.keys(pathParameters).length > 0 ? pathParameters : null,
    stageVariables: Object.keys(stage.variables).length > 0 ? stage.variables : null,
    requestContext: { ...requestContext, authorizer: ctx.authorizer ?? null },
    body: req.body.length === 0 ? null : binary ? req.body.toString("base64") : req.body.toString("utf8"),
    isBase64Encoded: binary && req.body.length > 0,
  };
}
