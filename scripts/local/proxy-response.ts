/**
 * The Lambda proxy answer read as API Gateway reads it (recorded: LocalStack's AWS-validated
 * `test_aws_proxy_response_payload_format_validation` and `test_aws_proxy_binary_response`):
 * `statusCode` defaults to 200 and may be a numeric string; any other key than the five known
 * ones is malformed; `multiValueHeaders` and `headers` of one name (in any case) are merged,
 * multi values first, joined by `, ` under the first spelling; restricted names are remapped;
 * a base64 body is decoded only when the answer goes out as binary.
 */
import { responseHeaderName } from "./headers";
import type { HttpResponse } from "./responses";

export type ProxyAnswer = { readonly ok: true; readonly response: HttpResponse } | { readonly ok: false; readonly reason: "malformed" | "bad-base64" };

const KEYS = new Set(["statusCode", "headers", "multiValueHeaders", "body", "isBase64Encoded", "cookies"]);
const MALFORMED: ProxyAnswer = { ok: false, reason: "malformed" };
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function status(value: unknown): number {
  if (value === undefined) return 200;
  if (typeof value === "number") return value;
  return typeof value === "string" && /^\d+$/.test(value) ? Number(value) : NaN;
}

function addHeader(merged: Map<string, [string, string[]]>, name: string, values: string[]): void {
  const lower = name.toLowerCase();
  const entry = merged.get(lower);
  if (entry) entry[1].push(...values);
  else merged.set(lower, [name, values]);
}

/** The answer in `payload`, JSON text; `binary`: the request's Accept names a binary media type of the API (`acceptsBinary`). */
export function proxyResponse(payload: string, binary: boolean): ProxyAnswer {
  let out: unknown;
  try {
    out = JSON.parse(payload);
  } catch {
    return MALFORMED;
  }
  return proxyAnswer(out, binary);
}

/** The same for the answer already parsed (undefined: not JSON). */
export function proxyAnswer(out: unknown, binary: boolean): ProxyAnswer {
  if (!isObject(out)) return MALFORMED;
  for (const k of Object.keys(out)) if (!KEYS.has(k)) return MALFORMED;
  const code = status(out.statusCode);
  if (!Number.isInteger(code) || code < 100 || code > 599) return MALFORMED;
  if (out.body !== undefined && out.body !== null && typeof out.body !== "string") return MALFORMED;
  if (out.headers != null && !isObject(out.headers)) return MALFORMED;
  if (out.multiValueHeaders != null && !isObject(out.multiValueHeaders)) return MALFORMED;
  // Lower-case name → [first spelling, values].
  const merged = new Map<string, [string, string[]]>();
  if (out.multiValueHeaders != null) {
    for (const [k, v] of Object.entries(out.multiValueHeaders)) {
      if (!Array.isArray(v)) return MALFORMED;
      addHeader(merged, k, v.map(String));
    }
  }
  if (out.headers != null) for (const [k, v] of Object.entries(out.headers)) addHeader(merged, k, [String(v)]);
  const headers: Record<string, string | string[]> = {};
  for (const [lower, [name, values]] of merged) {
    const sent = responseHeaderName(name);
    if (sent === undefined) continue;
    // Set-Cookie stays one header line per cookie, as HTTP requires.
    headers[sent] = lower === "set-cookie" ? values : values.join(", ");
  }
  if (!merged.has("content-type")) headers["Content-Type"] = "application/json";
  if (typeof out.body !== "string") return { ok: true, response: { status: code, headers, body: Buffer.alloc(0) } };
  if (out.isBase64Encoded !== true || !binary) return { ok: true, response: { status: code, headers, body: Buffer.from(out.body) } };
  const compact = out.body.replace(/\s+/g, "");
  if (compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) return { ok: false, reason: "bad-base64" };
  return { ok: true, response: { status: code, headers, body: Buffer.from(compact, "base64") } };
}
