/** Builders for API Gateway REST (v1) proxy events, as the local gateway and AWS send them. */
import { randomUUID } from "node:crypto";
import type { APIGatewayProxyEvent } from "aws-lambda";

export interface EventInput {
  readonly method: string;
  /** Resource template, e.g. `/students/{studentid}`. */
  readonly resource: string;
  readonly pathParameters?: Record<string, string> | null;
  readonly query?: Record<string, string> | null;
  readonly headers?: Record<string, string>;
  readonly body?: string | null;
  readonly isBase64Encoded?: boolean;
  /** Cognito claims for `requestContext.authorizer.claims`. */
  readonly claims?: Record<string, string>;
}

export function proxyEvent(input: EventInput): APIGatewayProxyEvent {
  let path = input.resource;
  for (const [k, v] of Object.entries(input.pathParameters ?? {})) path = path.replace(`{${k}}`, encodeURIComponent(v));
  const headers = input.headers ?? {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(headers)) multiValueHeaders[k] = [v];
  const query = input.query ?? null;
  const requestId = randomUUID();
  return {
    resource: input.resource,
    path,
    httpMethod: input.method,
    headers,
    multiValueHeaders,
    queryStringParameters: query,
    multiValueQueryStringParameters: query === null ? null : Object.fromEntries(Object.entries(query).map(([k, v]) => [k, [v]])),
    pathParameters: input.pathParameters ?? null,
    stageVariables: null,
    body: input.body ?? null,
    isBase64Encoded: input.isBase64Encoded ?? false,
    requestContext: {
      accountId: "123456789012",
      apiId: "local",
      authorizer: input.claims ? { claims: input.claims } : null,
      protocol: "HTTP/1.1",
      httpMethod: input.method,
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: "127.0.0.1",
        user: null,
        userAgent: "test",
        userArn: null,
      },
      path,
      stage: "test",
      requestId,
      requestTimeEpoch: 0,
      resourceId: "res",
      resourcePath: input.resource,
    },
  };
}

export const JSON_HEADERS = { "Content-Type": "application/json", Origin: "https://app.example.com" } as const;

/** Parses a proxy response body and checks the shape every response must have. */
export function parseResponse(result: unknown): { statusCode: number; headers: Record<string, string>; body: unknown } {
  if (typeof result !== "object" || result === null) throw new Error(`response is not an object: ${String(result)}`);
  const r = result as { statusCode?: unknown; headers?: unknown; body?: unknown };
  if (typeof r.statusCode !== "number" || !Number.isInteger(r.statusCode)) throw new Error(`statusCode is not an integer: ${String(r.statusCode)}`);
  if (typeof r.body !== "string") throw new Error("body is not a string");
  if (typeof r.headers !== "object" || r.headers === null) throw new Error("headers missing");
  const headers = r.headers as Record<string, string>;
  for (const v of Object.values(headers)) if (typeof v !== "string") throw new Error("header value is not a string");
  if (headers.Vary !== "Origin") throw new Error("Vary: Origin missing");
  return { statusCode: r.statusCode, headers, body: JSON.parse(r.body) };
}
