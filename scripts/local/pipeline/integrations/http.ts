/**
 * HTTP (non-proxy) and what HTTP_PROXY shares with it: the request to a loopback upstream
 * (URI with stage variables and `integration.request.*` mappings), its answer handed to
 * response mapping with the status code as the selection subject.
 */
import { isBinary } from "../../request";
import { mappingValue } from "../../responses";
import { GatewayError } from "../errors";
import type { Invocation, IntegrationOutput } from "../invocation";

export interface Upstream {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);
const NOT_FORWARDED = new Set(["host", "content-length", "connection", "transfer-encoding"]);
/** fetch has already de-chunked and decompressed the body: the hop-by-hop and encoding headers go. */
const DROPPED = new Set(["transfer-encoding", "connection", "keep-alive", "content-length", "content-encoding"]);

/** Calls the integration's upstream, allowed only on loopback. */
export async function callUpstream(inv: Invocation): Promise<Upstream> {
  const { req, stage } = inv;
  const integration = inv.method!.integration!;
  const proxy = integration.type === "HTTP_PROXY";
  let uri = (integration.uri ?? "").replace(/\$\{stageVariables\.([A-Za-z0-9_]+)\}/g, (_m, name: string) => stage.variables[name] ?? "");
  // integration.request.* mappings; a path variable with no mapping takes the method's parameter of the same name.
  const pathValues: Record<string, string> = { ...inv.pathParameters };
  const extraHeaders: Record<string, string> = {};
  const extraQuery: Record<string, string> = {};
  for (const [target, expr] of Object.entries(integration.requestParameters)) {
    const m = /^integration\.request\.(path|header|querystring)\.(.+)$/.exec(target);
    const value = m ? mappingValue(expr, req, inv.pathParameters, stage, inv.ctx) : undefined;
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
    throw new GatewayError("API_CONFIGURATION_ERROR");
  }
  if (!LOOPBACK.has(url.hostname)) throw new GatewayError("INTEGRATION_FAILURE");
  if (proxy) for (const [k, v] of Object.entries(req.query)) if (!url.searchParams.has(k)) url.searchParams.set(k, v);
  for (const [k, v] of Object.entries(extraQuery)) url.searchParams.set(k, v);
  const headers: Record<string, string> = {};
  if (proxy) for (const [k, v] of Object.entries(req.headers)) if (!NOT_FORWARDED.has(k.toLowerCase())) headers[k] = v;
  Object.assign(headers, extraHeaders);
  const method = proxy && (integration.httpMethod ?? "ANY") === "ANY" ? req.httpMethod : (integration.httpMethod ?? req.httpMethod);
  const hasBody = method !== "GET" && method !== "HEAD" && req.body.length > 0;
  let upstream: Response;
  try {
    upstream = await fetch(url, { method, headers, body: hasBody ? new Uint8Array(req.body) : undefined, signal: AbortSignal.timeout(integration.timeoutMs) });
  } catch (error) {
    throw new GatewayError((error as Error).name === "TimeoutError" ? "INTEGRATION_TIMEOUT" : "INTEGRATION_FAILURE");
  }
  const body = Buffer.from(await upstream.arrayBuffer());
  const upstreamHeaders: Record<string, string> = {};
  upstream.headers.forEach((v, k) => {
    if (!DROPPED.has(k)) upstreamHeaders[k] = v;
  });
  return { status: upstream.status, headers: upstreamHeaders, body };
}

export async function http(inv: Invocation): Promise<IntegrationOutput> {
  const upstream = await callUpstream(inv);
  const body = isBinary(inv.api, upstream.headers["content-type"]) ? upstream.body.toString("base64") : upstream.body.toString("utf8");
  return { kind: "mapped", selector: String(upstream.status), body, headers: upstream.headers };
}
