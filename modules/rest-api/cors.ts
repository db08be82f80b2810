/**
 * CORS: its definition (validated options), as data (the preflight's responses, the headers
 * added to non-proxy responses and to gateway responses), and the preflight's Terraform: an
 * `OPTIONS` MOCK method per resource.
 */
import { ApiGatewayIntegration } from "@cdktf/provider-aws/lib/api-gateway-integration";
import { ApiGatewayIntegrationResponse } from "@cdktf/provider-aws/lib/api-gateway-integration-response";
import { ApiGatewayMethod } from "@cdktf/provider-aws/lib/api-gateway-method";
import { ApiGatewayMethodResponse } from "@cdktf/provider-aws/lib/api-gateway-method-response";
import type { ApiGatewayRestApi } from "@cdktf/provider-aws/lib/api-gateway-rest-api";
import type { ITerraformDependable } from "cdktf";
import type { Construct } from "constructs";
import { isResolved, PropError } from "../core/errors";
import { escapeMap } from "./terraform-text";

export interface CorsOptions {
  /**
   * Origins allowed to call the API, e.g. `["https://www.example.com"]`. `"*"` is refused
   * unless {@link allowAnyOrigin} is also set.
   */
  readonly allowOrigins: readonly string[];
  /**
   * Must be `true` for `allowOrigins: ["*"]`: any web page may call the API.
   * @default false
   */
  readonly allowAnyOrigin?: boolean;
  /**
   * Methods announced by the preflight.
   * @default the methods declared on the resource, plus OPTIONS
   */
  readonly allowMethods?: readonly string[];
  /** @default Content-Type, X-Amz-Date, Authorization, X-Api-Key, X-Amz-Security-Token */
  readonly allowHeaders?: readonly string[];
  /** @default none */
  readonly exposeHeaders?: readonly string[];
  /** Sends `Access-Control-Allow-Credentials: true`; refused with `*`. @default false */
  readonly allowCredentials?: boolean;
  /** `Access-Control-Max-Age` in seconds (-1 disables caching of the preflight). @default 600 */
  readonly maxAge?: number;
  /** Status code of the preflight response. @default 204 */
  readonly statusCode?: 200 | 204;
  /**
   * Adds the CORS headers to the DEFAULT_4XX and DEFAULT_5XX gateway responses (and to any
   * custom gateway response) so browsers can read API Gateway's own errors.
   * @default true
   */
  readonly gatewayResponses?: boolean;
}

export const DEFAULT_CORS_HEADERS = [
  "Content-Type",
  "X-Amz-Date",
  "Authorization",
  "X-Api-Key",
  "X-Amz-Security-Token",
] as const;

/** CORS with every default applied and validated. */
export interface ResolvedCors {
  readonly allowOrigins: readonly string[];
  readonly allowMethods?: readonly string[];
  readonly allowHeaders: readonly string[];
  readonly exposeHeaders: readonly string[];
  readonly allowCredentials: boolean;
  readonly maxAge: number;
  readonly statusCode: 200 | 204;
  readonly gatewayResponses: boolean;
}

const ORIGIN = /^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/;

/** Applies defaults and validates; `prop` names the prop in errors (`cors` or `routes[...].cors`). */
export function resolveCors(options: CorsOptions, where = "RestApi", prop = "cors"): ResolvedCors {
  const origins = options.allowOrigins;
  if (origins.length === 0) {
    throw new PropError(where, `${prop}.allowOrigins`, origins, 'list at least one origin, e.g. ["https://www.example.com"], or leave out "cors".');
  }
  const anyOrigin = origins.includes("*");
  if (anyOrigin && options.allowAnyOrigin !== true) {
    throw new PropError(where, `${prop}.allowOrigins`, origins, 'set "allowAnyOrigin: true" as well to let any web page call this API, or list the origins.');
  }
  if (anyOrigin && origins.length > 1) {
    throw new PropError(where, `${prop}.allowOrigins`, origins, '"*" already allows every origin; list it alone.');
  }
  if (anyOrigin && options.allowCredentials === true) {
    throw new PropError(where, `${prop}.allowCredentials`, true, 'browsers refuse credentials with origin "*": list the origins instead.');
  }
  for (const o of origins) {
    // An origin known only after an apply (a distribution's domain from another stack) is a token.
    if (o !== "*" && isResolved(o) && !ORIGIN.test(o)) {
      throw new PropError(where, `${prop}.allowOrigins`, o, 'write an origin as scheme://host[:port], without path or trailing slash, e.g. "https://www.example.com".');
    }
  }
  const maxAge = options.maxAge ?? 600;
  if (!Number.isInteger(maxAge) || maxAge < -1) {
    throw new PropError(where, `${prop}.maxAge`, maxAge, "use a whole number of seconds, or -1 to disable preflight caching.");
  }
  return {
    allowOrigins: [...origins],
    ...(options.allowMethods ? { allowMethods: options.allowMethods.map((m) => m.toUpperCase()) } : {}),
    allowHeaders: [...(options.allowHeaders ?? DEFAULT_CORS_HEADERS)],
    exposeHeaders: [...(options.exposeHeaders ?? [])],
    allowCredentials: options.allowCredentials ?? false,
    maxAge,
    statusCode: options.statusCode ?? 204,
    gatewayResponses: options.gatewayResponses ?? true,
  };
}

const q = (v: string) => `'${v}'`;

/**
 * Headers (name → static, single-quoted value) sent on every CORS response: the first
 * allowed origin (echoed by the template when the caller's origin is another allowed
 * one), `Vary: Origin` when several, credentials and exposed headers.
 */
export function corsResponseHeaders(cors: ResolvedCors): Record<string, string> {
  const headers: Record<string, string> = {
    "Access-Control-Allow-Origin": q(cors.allowOrigins[0]!),
  };
  if (cors.allowOrigins.length > 1) headers.Vary = q("Origin");
  if (cors.allowCredentials) headers["Access-Control-Allow-Credentials"] = q("true");
  if (cors.exposeHeaders.length > 0) headers["Access-Control-Expose-Headers"] = q(cors.exposeHeaders.join(","));
  return headers;
}

/**
 * VTL that overrides `Access-Control-Allow-Origin` with the caller's origin when it is one
 * of the allowed origins (the static header holds the first one). Empty for one origin.
 */
export function originEchoTemplate(cors: ResolvedCors): string {
  if (cors.allowOrigins.length < 2) return "";
  const test = cors.allowOrigins.map((o) => `$origin == "${o}"`).join(" || ");
  return [
    "#set($origin = $input.params('Origin'))",
    "#if(\"$!origin\" == \"\")#set($origin = $input.params('origin'))#end",
    `#if(${test})`,
    "#set($context.responseOverride.header.Access-Control-Allow-Origin = $origin)",
    "#end",
    "",
  ].join("\n");
}

export interface PreflightSpec {
  readonly statusCode: string;
  /** For `aws_api_gateway_method_response.response_parameters`. */
  readonly methodResponseParameters: Record<string, boolean>;
  /** For `aws_api_gateway_integration_response.response_parameters`. */
  readonly integrationResponseParameters: Record<string, string>;
  /** For `aws_api_gateway_integration_response.response_templates`. */
  readonly responseTemplates: Record<string, string>;
  /** For `aws_api_gateway_integration.request_templates`. */
  readonly requestTemplates: Record<string, string>;
}

/**
 * The preflight OPTIONS method of one resource: a MOCK integration whose response sets
 * the allowed origin, methods, headers, max age and credentials. `methods` are the
 * methods declared on the resource (used when `allowMethods` is not set).
 */
export function preflight(cors: ResolvedCors, methods: readonly string[]): PreflightSpec {
  const allowMethods = cors.allowMethods ?? [...new Set([...methods.map((m) => m.toUpperCase()), "OPTIONS"])];
  const expanded = allowMethods.includes("ANY")
    ? ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"]
    : [...allowMethods].sort();
  const headers: Record<string, string> = {
    ...corsResponseHeaders(cors),
    "Access-Control-Allow-Methods": q(expanded.join(",")),
    "Access-Control-Allow-Headers": q(cors.allowHeaders.join(",")),
  };
  if (cors.maxAge !== undefined) headers["Access-Control-Max-Age"] = q(String(cors.maxAge));
  delete headers["Access-Control-Expose-Headers"];
  const integrationResponseParameters: Record<string, string> = {};
  const methodResponseParameters: Record<string, boolean> = {};
  for (const [name, value] of Object.entries(headers)) {
    integrationResponseParameters[`method.response.header.${name}`] = value;
    methodResponseParameters[`method.response.header.${name}`] = true;
  }
  const echo = originEchoTemplate(cors);
  return {
    statusCode: String(cors.statusCode),
    methodResponseParameters,
    integrationResponseParameters,
    responseTemplates: echo ? { "application/json": echo } : {},
    requestTemplates: { "application/json": `{"statusCode": ${cors.statusCode}}` },
  };
}

/** The preflight of one resource: an `OPTIONS` MOCK method (no auth, no key) and its 204/200 response. */
export function renderPreflight(
  scope: Construct,
  api: ApiGatewayRestApi,
  path: string,
  resourceId: string,
  cors: ResolvedCors,
  methods: readonly string[],
): ITerraformDependable[] {
  const spec = preflight(cors, methods);
  const label = `OPTIONS ${path}`;
  const method = new ApiGatewayMethod(scope, `Method ${label}`, {
    restApiId: api.id,
    resourceId,
    httpMethod: "OPTIONS",
    authorization: "NONE",
    apiKeyRequired: false,
  });
  const integration = new ApiGatewayIntegration(scope, `Integration ${label}`, {
    restApiId: api.id,
    resourceId,
    httpMethod: method.httpMethod,
    type: "MOCK",
    requestTemplates: spec.requestTemplates,
    passthroughBehavior: "WHEN_NO_MATCH",
  });
  const mr = new ApiGatewayMethodResponse(scope, `MethodResponse ${label} ${spec.statusCode}`, {
    restApiId: api.id,
    resourceId,
    httpMethod: method.httpMethod,
    statusCode: spec.statusCode,
    responseParameters: spec.methodResponseParameters,
  });
  const ir = new ApiGatewayIntegrationResponse(scope, `IntegrationResponse ${label} ${spec.statusCode}`, {
    restApiId: api.id,
    resourceId,
    httpMethod: method.httpMethod,
    statusCode: mr.statusCode,
    responseParameters: spec.integrationResponseParameters,
    responseTemplates: Object.keys(spec.responseTemplates).length > 0 ? escapeMap(spec.responseTemplates) : undefined,
    dependsOn: [integration],
  });
  return [method, integration, mr, ir];
}
