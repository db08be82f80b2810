/**
 * Header rules API Gateway applies, as recorded from it (LocalStack's AWS-validated
 * `TestApiGatewayHeaderRemapping` and proxy-event snapshots): request headers it drops before
 * the method request, names it capitalises, response headers it remaps to
 * `x-amzn-Remapped-<name>` or drops, integration request headers a mapping may not set, and
 * the X-Ray trace header.
 */
import { randomFillSync } from "node:crypto";

/** Request headers removed before the method request: absent from the proxy event, `$input.params` empty, not forwarded. */
export const DROPPED_REQUEST_HEADERS: ReadonlySet<string> = new Set(["connection", "content-length", "content-md5", "expect", "max-forwards", "proxy-authenticate", "server", "te", "trailer", "transfer-encoding", "upgrade", "www-authenticate"]);

/** Request header names delivered capitalised whatever the client's case (`authorization`, `user-Agent`). */
const CAPITALISED = new Map([
  ["authorization", "Authorization"],
  ["user-agent", "User-Agent"],
]);

/** A request header's name as the method request knows it. */
export function requestHeaderName(name: string): string {
  return CAPITALISED.get(name.toLowerCase()) ?? name;
}

/** Response headers a method response (or a proxy answer) cannot set: they arrive as `x-amzn-Remapped-<name>`. */
const REMAPPED_RESPONSE_HEADERS: ReadonlySet<string> = new Set(["authorization", "connection", "content-length", "content-md5", "date", "expect", "host", "max-forwards", "proxy-authenticate", "server", "trailer", "upgrade", "user-agent", "www-authenticate"]);
const DROPPED_RESPONSE_HEADERS: ReadonlySet<string> = new Set(["transfer-encoding"]);

/** The name a response header is sent under; undefined when API Gateway drops it. */
export function responseHeaderName(name: string): string | undefined {
  const lower = name.toLowerCase();
  if (DROPPED_RESPONSE_HEADERS.has(lower)) return undefined;
  return REMAPPED_RESPONSE_HEADERS.has(lower) ? `x-amzn-Remapped-${name}` : name;
}

/** Integration request headers that `integration.request.header.*` may not set: the request fails with 500. */
export function refusedMappedHeaders(type: string): ReadonlySet<string> {
  return type === "AWS" || type === "AWS_PROXY" ? LAMBDA_REFUSED : HTTP_REFUSED;
}
const HTTP_REFUSED: ReadonlySet<string> = new Set(["content-length", "transfer-encoding"]);
const LAMBDA_REFUSED: ReadonlySet<string> = new Set([...HTTP_REFUSED, "authorization", "connection", "expect", "proxy-authenticate", "te"]);

/** Random bytes drawn from one pool refilled 4 KiB at a time: a trace header takes 20 per request. */
const pool = Buffer.alloc(4096);
let poolOffset = pool.length;

function randomHex(bytes: number): string {
  if (poolOffset + bytes > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const hex = pool.toString("hex", poolOffset, poolOffset + bytes);
  poolOffset += bytes;
  return hex;
}

/**
 * The request's X-Ray trace header: the client's when it sent one (a `Root` alone gets a
 * `Parent` and `Sampled`), else a new `Root=1-<epoch hex>-<24 hex>;Parent=<16 hex>;Sampled=0`.
 */
export function traceHeader(client: string | undefined): string {
  if (client && /^Root=1-[0-9a-f]{8}-[0-9a-f]{24}/.test(client)) return client.includes("Parent=") ? client : `${client};Parent=${randomHex(8)};Sampled=0`;
  const epoch = Math.floor(Date.now() / 1000).toString(16).padStart(8, "0");
  return `Root=1-${epoch}-${randomHex(12)};Parent=${randomHex(8)};Sampled=0`;
}
