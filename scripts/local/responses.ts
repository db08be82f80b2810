/**
 * API Gateway's gateway responses: default status, message and error type per response
 * type, customised by aws_api_gateway_gateway_response (specific type, else DEFAULT_4XX or
 * DEFAULT_5XX) with response parameters and templates.
 */
import type { ApiModel, StageModel } from "./model/types";
import { header, type GatewayRequest, type RequestContext } from "./request";
import { renderTemplate } from "./vtl";

export type GatewayResponseType =
  | "MISSING_AUTHENTICATION_TOKEN"
  | "INVALID_API_KEY"
  | "ACCESS_DENIED"
  | "UNAUTHORIZED"
  | "THROTTLED"
  | "QUOTA_EXCEEDED"
  | "BAD_REQUEST_BODY"
  | "BAD_REQUEST_PARAMETERS"
  | "AUTHORIZER_FAILURE"
  | "AUTHORIZER_CONFIGURATION_ERROR"
  | "INTEGRATION_FAILURE"
  | "INTEGRATION_TIMEOUT"
  | "API_CONFIGURATION_ERROR"
  | "UNSUPPORTED_MEDIA_TYPE"
  | "REQUEST_TOO_LARGE"
  | "RESOURCE_NOT_FOUND"
  | "INVALID_SIGNATURE"
  | "DEFAULT_5XX";

const DEFAULTS: Record<GatewayResponseType, [number, string, string]> = {
  MISSING_AUTHENTICATION_TOKEN: [403, "Missing Authentication Token", "MissingAuthenticationTokenException"],
  INVALID_API_KEY: [403, "Forbidden", "ForbiddenException"],
  ACCESS_DENIED: [403, "User is not authorized to access this resource", "AccessDeniedException"],
  UNAUTHORIZED: [401, "Unauthorized", "UnauthorizedException"],
  THROTTLED: [429, "Too Many Requests", "TooManyRequestsException"],
  QUOTA_EXCEEDED: [429, "Limit Exceeded", "LimitExceededException"],
  BAD_REQUEST_BODY: [400, "Invalid request body", "BadRequestException"],
  BAD_REQUEST_PARAMETERS: [400, "Missing required request parameters", "BadRequestException"],
  AUTHORIZER_FAILURE: [500, "Internal server error", "AuthorizerFailureException"],
  AUTHORIZER_CONFIGURATION_ERROR: [500, "Internal server error", "AuthorizerConfigurationException"],
  INTEGRATION_FAILURE: [502, "Internal server error", "InternalServerErrorException"],
  INTEGRATION_TIMEOUT: [504, "Endpoint request timed out", "InternalServerErrorException"],
  API_CONFIGURATION_ERROR: [500, "Internal server error", "InternalServerErrorException"],
  UNSUPPORTED_MEDIA_TYPE: [415, "Unsupported Media Type", "UnsupportedMediaTypeException"],
  REQUEST_TOO_LARGE: [413, "Request Too Long", "RequestTooLongException"],
  RESOURCE_NOT_FOUND: [404, "Not Found", "NotFoundException"],
  INVALID_SIGNATURE: [403, "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.", "InvalidSignatureException"],
  DEFAULT_5XX: [500, "Internal server error", "InternalServerErrorException"],
};

/** API Gateway's default status code for a gateway response type. */
export function defaultStatus(type: GatewayResponseType): number {
  return DEFAULTS[type][0];
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
}

/** Resolves a mapping expression (`'static'`, `method.request.header.x`, `stageVariables.x`, `context.x`). */
export function mappingValue(expr: string, req: GatewayRequest | undefined, pathParameters: Record<string, string>, stage: StageModel | undefined, ctx: RequestContext | undefined): string | undefined {
  const e = expr.trim();
  if (e.startsWith("'") && e.endsWith("'") && e.length >= 2) return e.slice(1, -1);
  let m: RegExpExecArray | null;
  if (req && (m = /^method\.request\.(header|querystring|path|multivalueheader|multivaluequerystring)\.(.+)$/.exec(e))) {
    if (m[1] === "header") return header(req, m[2]!);
    if (m[1] === "querystring") return req.query[m[2]!];
    if (m[1] === "path") return pathParameters[m[2]!];
    if (m[1] === "multivalueheader") return Object.entries(req.multiValueHeaders).find(([k]) => k.toLowerCase() === m![2]!.toLowerCase())?.[1].join(",");
    return req.multiValueQuery[m[2]!]?.join(",");
  }
  if ((m = /^stageVariables\.(.+)$/.exec(e))) return stage?.variables[m[1]!];
  if (ctx && (m = /^context\.(.+)$/.exec(e))) {
    let v: unknown = ctx;
    for (const part of m[1]!.split(".")) v = v && typeof v === "object" ? (v as Record<string, unknown>)[part] : undefined;
    return v === undefined || v === null ? undefined : String(v);
  }
  return undefined;
}

export interface GatewayErrorInput {
  api?: ApiModel;
  stage?: StageModel;
  req?: GatewayRequest;
  ctx?: RequestContext;
  pathParameters?: Record<string, string>;
  /** Overrides the default message (`Missing required request parameters: [q]`). */
  message?: string;
  /** The default body's key: `Message` for resource policy denials, as API Gateway writes it. @default "message" */
  messageKey?: string;
  /** The status of this failure when no gateway response sets one. @default the type's default */
  status?: number;
}

/**
 * The response API Gateway sends for a gateway error of this type. A type customised with an
 * `aws_api_gateway_gateway_response` is that response alone: its status code (else the type's
 * default), parameters and templates (else `{"message":$context.error.messageString}`); a
 * type not customised takes DEFAULT_4XX's or DEFAULT_5XX's, status code included (recorded:
 * LocalStack's AWS-validated `test_gateway_response_put`, "get-gateway-responses").
 */
export function gatewayError(type: GatewayResponseType, input: GatewayErrorInput = {}): HttpResponse {
  const [defaultStatus, defaultMessage, errorType] = DEFAULTS[type];
  const message = input.message ?? defaultMessage;
  const status0 = input.status ?? defaultStatus;
  const specific = input.api?.gatewayResponses.get(type);
  const chosen = specific ?? input.api?.gatewayResponses.get(status0 >= 500 ? "DEFAULT_5XX" : "DEFAULT_4XX");
  const status = Number(chosen?.statusCode ?? status0);
  const parameters = chosen?.responseParameters ?? {};
  const templates = chosen?.responseTemplates ?? {};
  const ctx = input.ctx;
  if (ctx) {
    ctx.error = { message, messageString: JSON.stringify(message), responseType: type };
  }
  const template = templates["application/json"] ?? Object.values(templates)[0];
  const defaultBody = JSON.stringify({ [input.messageKey ?? "message"]: message });
  let body = defaultBody;
  if (template !== undefined) {
    try {
      body = renderTemplate(template, {
        context: ctx ?? { error: { message, messageString: JSON.stringify(message), responseType: type } },
        stageVariables: input.stage?.variables ?? {},
      });
    } catch {
      body = defaultBody;
    }
  }
  const headers: Record<string, string | string[]> = {
    "Content-Type": "application/json",
    "x-amzn-ErrorType": errorType,
  };
  for (const [key, expr] of Object.entries(parameters)) {
    const m = /^gatewayresponse\.header\.(.+)$/.exec(key);
    if (!m) continue;
    const value = mappingValue(expr, input.req, input.pathParameters ?? {}, input.stage, ctx);
    if (value !== undefined) headers[m[1]!] = value;
  }
  if (ctx) ctx.integrationErrorMessage ??= undefined;
  return { status, headers, body: Buffer.from(body) };
}
