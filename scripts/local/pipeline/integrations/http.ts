/**
 * HTTP (non-proxy) and what HTTP_PROXY shares with it: the request to a loopback upstream
 * (URI with stage variables and `integration.request.*` mappings), its answer handed to
 * response mapping with the status code as the selection subject.
 *
 * As recorded from API Gateway (LocalStack's AWS-validated `TestApiGatewayHeaderRemapping`):
 * HTTP sends none of the client's headers, only its mappings and `Accept: application/json`,
 * `User-Agent: AmazonAPIGateway_<api id>`; HTTP_PROXY forwards the method request's headers
 * but `Content-Encoding` and `Via`; both add `X-Amzn-Apigateway-Api-Id` and the trace header.
 * HTTP's body is the request template's output (or the body, passed through), and the
 * template's `$context.requestOverride` headers, query string and path parameters apply.
 */
import { capitalise } from "../../headers";
import { chooseRequestTemplate, render } from "../../integrations";
import { isBinary } from "../../request";
import { mappingValue } from "../../responses";
import { overridesOf } from "../../vtl";
import { GatewayError } from "../errors";
import { scopeOf, type Invocation, type IntegrationOutput } from "../invocation";
import { refuseMappedHeaders } from "./request-parameters";

export interface Upstream {
  readonly status: number;
  /** Names as fetch gives them (lower case). */
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);
/** Not forwarded by HTTP_PROXY beyond what the method request already lacks. */
const NOT_FORWARDED = new Set(["host", "content-encoding", "via"]);
/** Never sent, whatever a mapping says (recorded: absent at the endpoint). */
const NEVER_SENT = new Set(["connection", "proxy-authenticate", "te", "via", "expect", "upgrade", "trailer"]);
/** fetch has already de-chunked and decompressed the body: these describe bytes that are gone. */
const CONSUMED = new Set(["transfer-encoding", "content-encoding", "keep-alive"]);

interface UpstreamRequest {
  readonly url: URL;
  readonly headers: Record<string, string>;
  readonly body?: Buffer;
}

function buildRequest(inv: Invocation): UpstreamRequest {
  const { req, stage } = inv;
  const integration = inv.method!.integration!;
  const proxy = integration.type === "HTTP_PROXY";
  let body: Buffer | undefined = req.body;
  if (!proxy) {
    const choice = chooseRequestTemplate(integration, req);
    if (choice.kind === "unsupported") throw new GatewayError("UNSUPPORTED_MEDIA_TYPE");
    if (choice.kind === "template") body = Buffer.from(render(choice.template, scopeOf(inv), req.body.toString("utf8")));
  }
  // integration.request.* mappings; a path variable with no mapping takes the method's parameter of the same name.
  const pathValues: Record<string, string> = { ...inv.pathParameters };
  const mappedHeaders: Record<string, string> = {};
  const query: Record<string, string> = proxy ? { ...req.query } : {};
  for (const [target, expr] of Object.entries(integration.requestParameters)) {
    const m = /^integration\.request\.(path|header|querystring)\.(.+)$/.exec(target);
    const value = m ? mappingValue(expr, req, inv.pathParameters, stage, inv.ctx) : undefined;
    if (!m || value === undefined) continue;
    if (m[1] === "path") pathValues[m[2]!] = value;
    else if (m[1] === "header") mappedHeaders[m[2]!] = value;
    else query[m[2]!] = value;
  }
  const { requestOverride } = overridesOf(inv.ctx);
  for (const [k, v] of Object.entries(requestOverride.path)) pathValues[k] = String(v);
  for (const [k, v] of Object.entries(requestOverride.querystring)) query[k] = String(v);
  for (const [k, v] of Object.entries(requestOverride.header)) mappedHeaders[k] = Array.isArray(v) ? v.map(String).join(",") : String(v);
  const uri = (integration.uri ?? "")
    .replace(/\$\{stageVariables\.([A-Za-z0-9_]+)\}/g, (_m, name: string) => stage.variables[name] ?? "")
    .replace(/\{([^}]+)\}/g, (whole, name: string) => (pathValues[name] === undefined ? whole : encodeURIComponent(pathValues[name]!).replace(/%2F/g, "/")));
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw new GatewayError("API_CONFIGURATION_ERROR");
  }
  if (!LOOPBACK.has(url.hostname)) throw new GatewayError("INTEGRATION_FAILURE");
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  const headers: Record<string, string> = {};
  if (proxy) {
    for (const [k, v] of Object.entries(req.headers)) if (!NOT_FORWARDED.has(k.toLowerCase())) headers[k] = v;
  } else headers.Accept = "application/json";
  if (!proxy) headers["User-Agent"] = `AmazonAPIGateway_${inv.api.id}`;
  for (const [k, v] of Object.entries(mappedHeaders)) {
    for (const existing of Object.keys(headers)) if (existing.toLowerCase() === k.toLowerCase()) delete headers[existing];
    if (!NEVER_SENT.has(k.toLowerCase())) headers[k] = v;
  }
  headers["X-Amzn-Apigateway-Api-Id"] = inv.api.id;
  headers["X-Amzn-Trace-Id"] = inv.ctx.traceId;
  return { url, headers, body };
}

/** Calls the integration's upstream, allowed only on loopback. */
export async function callUpstream(inv: Invocation): Promise<Upstream> {
  const integration = inv.method!.integration!;
  refuseMappedHeaders(inv);
  const { url, headers, body } = buildRequest(inv);
  const method = integration.type === "HTTP_PROXY" && (integration.httpMethod ?? "ANY") === "ANY" ? inv.req.httpMethod : (integration.httpMethod ?? inv.req.httpMethod);
  const hasBody = method !== "GET" && method !== "HEAD" && body !== undefined && body.length > 0;
  let upstream: Response;
  try {
    upstream = await fetch(url, { method, headers, body: hasBody ? new Uint8Array(body) : undefined, signal: AbortSignal.timeout(integration.timeoutMs) });
  } catch (error) {
    throw new GatewayError((error as Error).name === "TimeoutError" ? "INTEGRATION_TIMEOUT" : "INTEGRATION_FAILURE");
  }
  const answer = Buffer.from(await upstream.arrayBuffer());
  const upstreamHeaders: Record<string, string> = {};
  upstream.headers.forEach((v, k) => {
    if (!CONSUMED.has(k)) upstreamHeaders[k] = v;
  });
  return { status: upstream.status, headers: upstreamHeaders, body: answer };
}

/** An upstream's header names as HTTP_PROXY sends them on: capitalised, so a remapped one reads `x-amzn-Remapped-Server`. */
export function upstreamHeaderNames(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [capitalise(k), v]));
}

export async function http(inv: Invocation): Promise<IntegrationOutput> {
  const upstream = await callUpstream(inv);
  const { "content-length": _length, ...headers } = upstream.headers;
  const body = isBinary(inv.api, headers["content-type"]) ? upstream.body.toString("base64") : upstream.body.toString("utf8");
  return { kind: "mapped", selector: String(upstream.status), body, headers };
}
