/**
 * Proxy responses. Every response carries CORS headers: the request's `Origin` is echoed
 * when it is one of `ALLOWED_ORIGINS` (comma-separated; `*` allows any origin), with
 * `Vary: Origin` so caches keep one copy per origin.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";

export type ProxyEvent = APIGatewayProxyEvent;
export type ProxyResult = APIGatewayProxyResult & { headers: Record<string, string> };

/** Case-insensitive header lookup (API Gateway keeps the client's casing). */
export function header(event: Pick<ProxyEvent, "headers">, name: string): string | undefined {
  const headers = event.headers ?? {};
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === wanted && typeof value === "string") return value;
  }
  return undefined;
}

export function allowedOrigins(): string[] {
  return (process.env.ALLOWED_ORIGINS ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

export function corsHeaders(event?: Pick<ProxyEvent, "headers"> | null): Record<string, string> {
  const allowed = allowedOrigins();
  const origin = event ? header(event, "origin") : undefined;
  const headers: Record<string, string> = { Vary: "Origin" };
  if (allowed.includes("*")) headers["Access-Control-Allow-Origin"] = "*";
  else if (origin !== undefined && allowed.includes(origin)) headers["Access-Control-Allow-Origin"] = origin;
  return headers;
}

export function json(
  statusCode: number,
  body: unknown,
  event?: Pick<ProxyEvent, "headers"> | null,
  extraHeaders: Record<string, string> = {},
): ProxyResult {
  return {
    statusCode,
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      "X-Content-Type-Options": "nosniff",
      ...corsHeaders(event),
      ...extraHeaders,
    },
    body: JSON.stringify(body ?? null),
  };
}
