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
import { request as httpRequest } from "node:http";
import { chooseRequestTemplate, render } from "../../integrations";
import { isBinary } from "../../request";
import { mappingValue } from "../../responses";
import { existingOverrides } from "../../vtl";
import { GatewayError } from "../errors";
import { scopeOf, type Invocation, type IntegrationOutput } from "../invocation";
import { refuseMappedHeaders } from "./request-parameters";

export interface Upstream {
  readonly status: number;
  /** Names as the upstream sent them. */
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);
/** Not forwarded by HTTP_PROXY beyond what the method request already lacks. */
const NOT_FORWARDED = new Set(["host", "content-encoding", "via"]);
/**
 * Never sent, whatever a mapping says (recorded: absent at the endpoint). `Connection` is
 * node:http's own; `Trailer` is a departure: API Gateway sends it, node:http refuses it on a
 * request with a Content-Length.
 */
const NEVER_SENT = new Set(["connection", "proxy-authenticate", "te", "via", "expect", "trailer"]);
/** The body arrives de-chunked: these describe a framing that is gone. */
const CONSUMED = new Set(["transfer-encoding", "keep-alive"]);

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
  const { requestOverride } = existingOverrides(inv.ctx);
  if (requestOverride) {
    for (const [k, v] of Object.entries(requestOverride.path)) pathValues[k] = String(v);
    for (const [k, v] of Object.entries(requestOverride.querystring)) query[k] = String(v);
    for (const [k, v] of Object.entries(requestOverride.header)) mappedHeaders[k] = Array.isArray(v) ? v.map(String).join(",") : String(v);
  }
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

/** Calls the integration's upstream, allowed only on loopback, with node:http (which sends the headers as given, and only those). */
export async function callUpstream(inv: Invocation): Promise<Upstream> {
  const integration = inv.method!.integration!;
  refuseMappedHeaders(inv);
  const { url, headers, body } = buildRequest(inv);
  const method = integration.type === "HTTP_PROXY" && (integration.httpMethod ?? "ANY") === "ANY" ? inv.req.httpMethod : (integration.httpMethod ?? inv.req.httpMethod);
  const payload = method !== "GET" && method !== "HEAD" && body !== undefined && body.length > 0 ? body : undefined;
  const raw: string[] = [];
  if (!Object.keys(headers).some((k) => k.toLowerCase() === "host")) raw.push("Host", url.host);
  for (const [k, v] of Object.entries(headers)) raw.push(k, v);
  raw.push("Content-Length", String(payload?.length ?? 0));
  return new Promise<Upstream>((resolve, reject) => {
    const req = httpRequest({ host: url.hostname.replace(/^\[|\]$/g, ""), port: url.port, path: `${url.pathname}${url.search}`, method, headers: raw, timeout: integration.timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("error", () => reject(new GatewayError("INTEGRATION_FAILURE")));
      res.on("end", () => {
        const answered: Record<string, string> = {};
        for (let i = 0; i < res.rawHeaders.length; i += 2) {
          const name = res.rawHeaders[i]!;
          if (CONSUMED.has(name.toLowerCase())) continue;
          const existing = Object.keys(answered).find((k) => k.toLowerCase() === name.toLowerCase());
          if (existing !== undefined) answered[existing] += `, ${res.rawHeaders[i + 1]!}`;
          else answered[name] = res.rawHeaders[i + 1]!;
        }
        resolve({ status: res.statusCode ?? 502, headers: answered, body: Buffer.concat(chunks) });
      });
    });
    req.on("timeout", () => {
      req.destroy();
      reject(new GatewayError("INTEGRATION_TIMEOUT"));
    });
    req.on("error", () => reject(new GatewayError("INTEGRATION_FAILURE")));
    req.end(payload);
  });
}

export async function http(inv: Invocation): Promise<IntegrationOutput> {
  const upstream = await callUpstream(inv);
  const headers = Object.fromEntries(Object.entries(upstream.headers).filter(([k]) => k.toLowerCase() !== "content-length"));
  const contentType = Object.entries(headers).find(([k]) => k.toLowerCase() === "content-type")?.[1];
  const body = isBinary(inv.api, contentType) ? upstream.body.toString("base64") : upstream.body.toString("utf8");
  return { kind: "mapped", selector: String(upstream.status), body, headers };
}
