/**
 * Integrations: MOCK, Lambda non-proxy (AWS) with mapping templates and selection
 * patterns, Lambda proxy (AWS_PROXY), and HTTP/HTTP_PROXY to loopback addresses.
 */
import type { ApiModel, IntegrationModel, IntegrationResponseModel, MethodModel, StageModel } from "./model/types";
import { header, isBinary, requestParams, type GatewayRequest, type RequestContext } from "./request";
import { gatewayError, mappingValue, type HttpResponse } from "./responses";
import { inputVariable, isStaticTemplate, jsonPath, renderTemplate, util } from "./vtl";

export interface TemplateScope {
  readonly api: ApiModel;
  readonly stage: StageModel;
  readonly method: MethodModel;
  readonly req: GatewayRequest;
  readonly ctx: RequestContext;
  readonly pathParameters: Record<string, string>;
}

/** Renders a template with `$input` over `body`, the request's params and the rest of API Gateway's variables. */
export function render(template: string, scope: TemplateScope, body: string): string {
  if (isStaticTemplate(template)) return template;
  return renderTemplate(template, {
    input: inputVariable(body, requestParams(scope.req, scope.pathParameters)),
    util,
    context: scope.ctx,
    stageVariables: scope.stage.variables,
  });
}

export type RequestTemplateChoice = { kind: "template"; template: string } | { kind: "passthrough" } | { kind: "unsupported" };

/** The request template for the request's content type, under the integration's passthrough behaviour. */
export function chooseRequestTemplate(integration: IntegrationModel, req: GatewayRequest): RequestTemplateChoice {
  const contentType = (header(req, "content-type") ?? "application/json").split(";")[0]!.trim().toLowerCase();
  const templates = integration.requestTemplates;
  const keys = Object.keys(templates);
  const match = keys.find((k) => k.toLowerCase() === contentType);
  if (match !== undefined) return { kind: "template", template: templates[match]! };
  const behavior = integration.passthroughBehavior.toUpperCase();
  if (behavior === "WHEN_NO_MATCH") return { kind: "passthrough" };
  if (behavior === "WHEN_NO_TEMPLATES") {
    if (keys.length === 0) return { kind: "passthrough" };
    // API Gateway falls back to application/json when the request has no content type.
    if (header(req, "content-type") === undefined && templates["application/json"] !== undefined) return { kind: "template", template: templates["application/json"] };
    return { kind: "unsupported" };
  }
  return { kind: "unsupported" };
}

/** Selection patterns compiled once (matched in full); null for a pattern that does not compile. */
const selectionPatterns = new Map<string, RegExp | null>();

function selectionRegExp(pattern: string): RegExp | null {
  let re = selectionPatterns.get(pattern);
  if (re === undefined) {
    try {
      re = new RegExp(`^(?:${pattern})$`, "s");
    } catch {
      re = null;
    }
    selectionPatterns.set(pattern, re);
  }
  return re;
}

/** The integration response chosen by a selection pattern (full match), else the default one. */
export function selectResponse(responses: readonly IntegrationResponseModel[], subject: string | undefined): IntegrationResponseModel | undefined {
  if (subject !== undefined) {
    for (const r of responses) {
      if (r.selectionPattern === undefined || r.selectionPattern === "") continue;
      if (selectionRegExp(r.selectionPattern)?.test(subject)) return r;
    }
  }
  return responses.find((r) => r.selectionPattern === undefined || r.selectionPattern === "");
}

/** Builds the method response from an integration response: template, parameters, status. */
export function methodResponse(
  scope: TemplateScope,
  chosen: IntegrationResponseModel,
  integrationBody: string,
  integrationHeaders: Record<string, string>,
): HttpResponse {
  const templates = chosen.responseTemplates;
  const accept = (header(scope.req, "accept") ?? "application/json").toLowerCase();
  const key = Object.keys(templates).find((k) => accept.includes(k.toLowerCase())) ?? (templates["application/json"] !== undefined ? "application/json" : Object.keys(templates)[0]);
  const template = key === undefined ? undefined : templates[key];
  const body = template === undefined || template === "" ? integrationBody : render(template, scope, integrationBody);
  const headers: Record<string, string | string[]> = { "Content-Type": key ?? "application/json" };
  let parsedBody: unknown;
  for (const [name, expr] of Object.entries(chosen.responseParameters)) {
    const m = /^method\.response\.header\.(.+)$/.exec(name);
    if (!m) continue;
    let value: string | undefined;
    const e = expr.trim();
    let im: RegExpExecArray | null;
    if ((im = /^integration\.response\.header\.(.+)$/.exec(e))) {
      value = Object.entries(integrationHeaders).find(([k]) => k.toLowerCase() === im![1]!.toLowerCase())?.[1];
    } else if (e === "integration.response.body") {
      value = integrationBody;
    } else if ((im = /^integration\.response\.body\.(.+)$/.exec(e))) {
      try {
        parsedBody ??= JSON.parse(integrationBody);
        const v = jsonPath(parsedBody, `$.${im[1]}`);
        value = v === undefined ? undefined : typeof v === "string" ? v : JSON.stringify(v);
      } catch {
        value = undefined;
      }
    } else {
      value = mappingValue(e, scope.req, scope.pathParameters, scope.stage, scope.ctx);
    }
    if (value !== undefined) headers[m[1]!] = value;
  }
  return { status: Number(chosen.statusCode), headers, body: Buffer.from(body) };
}

/** Status codes of MOCK request templates without references (`{"statusCode": 200}`), by template. */
const staticMockStatus = new Map<string, number>();

/** MOCK: the request template's `statusCode` selects the integration response. */
export function mockIntegration(scope: TemplateScope, integration: IntegrationModel): HttpResponse {
  const choice = chooseRequestTemplate(integration, scope.req);
  if (choice.kind === "unsupported") return gatewayError("UNSUPPORTED_MEDIA_TYPE", errorInput(scope));
  let statusCode = 200;
  if (choice.kind === "template") {
    const template = choice.template;
    const known = isStaticTemplate(template) ? staticMockStatus.get(template) : undefined;
    if (known !== undefined) statusCode = known;
    else {
      const rendered = render(template, scope, scope.req.body.toString("utf8"));
      if (rendered.trim() !== "") {
        const parsed = JSON.parse(rendered) as { statusCode?: unknown };
        if (parsed.statusCode !== undefined) statusCode = Number(parsed.statusCode);
      }
      // A template without references always renders the same: remember its status code.
      if (isStaticTemplate(template)) staticMockStatus.set(template, statusCode);
    }
  }
  const chosen = selectResponse(integration.responses, String(statusCode));
  if (!chosen) return gatewayError("API_CONFIGURATION_ERROR", errorInput(scope));
  return methodResponse(scope, chosen, "", {});
}

export function errorInput(scope: TemplateScope) {
  return { api: scope.api, stage: scope.stage, req: scope.req, ctx: scope.ctx, pathParameters: scope.pathParameters };
}

/** Lambda proxy response → HTTP response; undefined when malformed (API Gateway answers 502). */
export function proxyResponse(payload: string): HttpResponse | undefined {
  let out: unknown;
  try {
    out = JSON.parse(payload);
  } catch {
    return undefined;
  }
  if (!out || typeof out !== "object" || Array.isArray(out)) return undefined;
  const r = out as Record<string, unknown>;
  const allowed = new Set(["statusCode", "headers", "multiValueHeaders", "body", "isBase64Encoded", "cookies"]);
  if (Object.keys(r).some((k) => !allowed.has(k))) return undefined;
  const status = typeof r.statusCode === "number" ? r.statusCode : typeof r.statusCode === "string" && /^\d+$/.test(r.statusCode) ? Number(r.statusCode) : NaN;
  if (!Number.isInteger(status) || status < 100 || status > 599) return undefined;
  if (r.body !== undefined && r.body !== null && typeof r.body !== "string") return undefined;
  if (r.headers !== undefined && r.headers !== null && (typeof r.headers !== "object" || Array.isArray(r.headers))) return undefined;
  if (r.multiValueHeaders !== undefined && r.multiValueHeaders !== null && (typeof r.multiValueHeaders !== "object" || Array.isArray(r.multiValueHeaders))) return undefined;
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries((r.headers ?? {}) as Record<string, unknown>)) headers[k] = String(v);
  for (const [k, v] of Object.entries((r.multiValueHeaders ?? {}) as Record<string, unknown>)) {
    if (!Array.isArray(v)) return undefined;
    const existing = headers[k];
    headers[k] = [...(existing === undefined ? [] : Array.isArray(existing) ? existing : [existing]), ...v.map(String)];
  }
  if (!Object.keys(headers).some((k) => k.toLowerCase() === "content-type")) headers["Content-Type"] = "application/json";
  const body = typeof r.body === "string" ? (r.isBase64Encoded === true ? Buffer.from(r.body, "base64") : Buffer.from(r.body)) : Buffer.alloc(0);
  return { status, headers, body };
}

/** HTTP / HTTP_PROXY integrations, allowed only to loopback addresses. */
export async function httpIntegration(scope: TemplateScope, integration: IntegrationModel): Promise<HttpResponse> {
  let uri = (integration.uri ?? "").replace(/\$\{stageVariables\.([A-Za-z0-9_]+)\}/g, (_m, name: string) => scope.stage.variables[name] ?? "");
  // integration.request.* mappings; a path variable with no mapping takes the method's parameter of the same name.
  const pathValues: Record<string, string> = { ...scope.pathParameters };
  const extraHeaders: Record<string, string> = {};
  const extraQuery: Record<string, string> = {};
  for (const [target, expr] of Object.entries(integration.requestParameters)) {
    const m = /^integration\.request\.(path|header|querystring)\.(.+)$/.exec(target);
    const value = m ? mappingValue(expr, scope.req, scope.pathParameters, scope.stage, scope.ctx) : undefined;
    if (!m || value === undefined) continue;
    if (m[1] === "path") pathValues[m[2]!] = value;
    else if (m[1] === "header") extraHeaders[m[2]!] = value;
    else extraQuery[m[2]!] = value;
  }
  uri = uri.replace(/\{([^}]+)\}/g, (whole, name: string) => (pathValues[name] === undefined ? whole : encodeURIComponent(pathValues[name]!).replace(/%2F/g, "/")));
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return gatewayError("API_CONFIGURATION_ERROR", errorInput(scope));
  }
  if (!["127.0.0.1", "localhost", "[::1]"].includes(url.hostname)) return gatewayError("INTEGRATION_FAILURE", errorInput(scope));
  if (integration.type === "HTTP_PROXY") for (const [k, v] of Object.entries(scope.req.query)) if (!url.searchParams.has(k)) url.searchParams.set(k, v);
  for (const [k, v] of Object.entries(extraQuery)) url.searchParams.set(k, v);
  const headers: Record<string, string> = {};
  if (integration.type === "HTTP_PROXY") for (const [k, v] of Object.entries(scope.req.headers)) if (!["host", "content-length", "connection", "transfer-encoding"].includes(k.toLowerCase())) headers[k] = v;
  Object.assign(headers, extraHeaders);
  const method = integration.type === "HTTP_PROXY" && (integration.httpMethod ?? "ANY") === "ANY" ? scope.req.httpMethod : (integration.httpMethod ?? scope.req.httpMethod);
  const hasBody = !["GET", "HEAD"].includes(method) && scope.req.body.length > 0;
  let upstream: Response;
  try {
    upstream = await fetch(url, { method, headers, body: hasBody ? new Uint8Array(scope.req.body) : undefined, signal: AbortSignal.timeout(integration.timeoutMs) });
  } catch (error) {
    return gatewayError((error as Error).name === "TimeoutError" ? "INTEGRATION_TIMEOUT" : "INTEGRATION_FAILURE", errorInput(scope));
  }
  const body = Buffer.from(await upstream.arrayBuffer());
  const upstreamHeaders: Record<string, string> = {};
  // fetch has already de-chunked and decompressed the body: drop the hop-by-hop and encoding headers.
  const dropped = new Set(["transfer-encoding", "connection", "keep-alive", "content-length", "content-encoding"]);
  upstream.headers.forEach((v, k) => {
    if (!dropped.has(k)) upstreamHeaders[k] = v;
  });
  if (integration.type === "HTTP_PROXY") return { status: upstream.status, headers: upstreamHeaders, body };
  const chosen = selectResponse(integration.responses, String(upstream.status));
  if (!chosen) return gatewayError("API_CONFIGURATION_ERROR", errorInput(scope));
  return methodResponse(scope, chosen, isBinary(scope.api, upstreamHeaders["content-type"]) ? body.toString("base64") : body.toString("utf8"), upstreamHeaders);
}
