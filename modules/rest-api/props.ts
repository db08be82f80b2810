/**
 * The RestApi construct's props and the option objects of its `add*` calls.
 */
import type { ApiGatewayApiKey } from "@cdktf/provider-aws/lib/api-gateway-api-key";
import type { ApiGatewayAuthorizer } from "@cdktf/provider-aws/lib/api-gateway-authorizer";
import type { ApiGatewayBasePathMapping } from "@cdktf/provider-aws/lib/api-gateway-base-path-mapping";
import type { ApiGatewayDomainName } from "@cdktf/provider-aws/lib/api-gateway-domain-name";
import type { ApiGatewayModel } from "@cdktf/provider-aws/lib/api-gateway-model";
import type { ApiGatewayUsagePlan } from "@cdktf/provider-aws/lib/api-gateway-usage-plan";
import type { CorsOptions } from "./cors";
import type { Integration } from "./integrations/index";
import type { ResourcePolicy } from "./policy";
import type {
  AuthorizerOptions,
  MethodResponseOptions,
  RouteCacheOptions,
  RouteThrottleOptions,
  StageOptions,
  ThrottleInput,
  ValidationMode,
} from "./types";

export type EndpointType = "REGIONAL" | "EDGE" | "PRIVATE";

export interface RestApiProps {
  /** API name. @default the stack's prefix + the construct id (`dev-ItemsAPI`) */
  readonly name?: string;
  /** @default none */
  readonly description?: string;
  /** Stages by name. @default { prod: {} } */
  readonly stages?: Readonly<Record<string, StageOptions>>;
  /** CORS for every resource (routes may override). @default no CORS */
  readonly cors?: CorsOptions;
  /** Media types treated as binary, e.g. `["image/*", "multipart/form-data"]`. @default none */
  readonly binaryMediaTypes?: readonly string[];
  /** @default "REGIONAL" */
  readonly endpointType?: EndpointType;
  /** VPC endpoint ids of a PRIVATE API. @default none */
  readonly vpcEndpointIds?: readonly string[];
  /** Resource policy (see `sourceIpPolicy`, `vpcPolicy`), as a document or JSON text. @default none */
  readonly policy?: ResourcePolicy | string;
  /** Compress responses larger than this many bytes (0..10485760). @default compression off */
  readonly minimumCompressionSize?: number;
  /** Clients must use a custom domain; the execute-api endpoint is turned off. @default false */
  readonly disableExecuteApiEndpoint?: boolean;
  /** Where API keys come from. @default "HEADER" (the `x-api-key` header) */
  readonly apiKeySource?: "HEADER" | "AUTHORIZER";
  /** Retention of the access log groups, in days. @default the environment's `logRetentionDays` (14 outside a ServiceStack) */
  readonly logRetentionDays?: number;
  /** @default none */
  readonly deploymentDescription?: string;
}

export interface RouteOptions {
  /** What the method calls: `lambdaProxy(fn)`, `lambdaIntegration(fn, ...)`, `mockIntegration(...)`, `httpIntegration(...)`, `httpProxy(...)`. */
  readonly integration: Integration;
  /** Require an API key (`x-api-key`); every stage must then be in a usage plan. @default false */
  readonly apiKey?: boolean;
  /** An authorizer from `addAuthorizer`, or `"IAM"` for SigV4. @default none */
  readonly authorizer?: Authorizer | "IAM";
  /** OAuth scopes (Cognito authorizers). @default none */
  readonly authorizationScopes?: readonly string[];
  /**
   * Request parameters → required: `{ "querystring.table": true, "header.table": false }`
   * (the `method.request.` prefix may be left out). Path parameters are declared from the
   * path, required.
   * @default {}
   */
  readonly requestParameters?: Readonly<Record<string, boolean>>;
  /** Request body model for `application/json`. @default none */
  readonly requestModel?: Model | string;
  /** Request body models by content type. @default none */
  readonly requestModels?: Readonly<Record<string, Model | string>>;
  /**
   * What API Gateway validates before calling the backend.
   * @default "body" with a request model, "params" with required query/header parameters, both with both, else "none"
   */
  readonly validation?: ValidationMode;
  /** Extra method responses (for proxy integrations, or to attach response models). @default derived from the integration responses */
  readonly methodResponses?: readonly MethodResponseOptions[];
  /** Cache key parameters: a path parameter name (`"ID"`) or `querystring.x` / `header.x`. @default none */
  readonly cacheKey?: readonly string[];
  /** Method cache (infers the stage's cache cluster), or `false` to turn the stage's caching off here. @default inherit the stage */
  readonly cache?: RouteCacheOptions | false;
  /** Method throttle. @default inherit the stage */
  readonly throttle?: RouteThrottleOptions;
  /** CORS override for this route's resource, or `false` for none. @default the API's `cors` */
  readonly cors?: CorsOptions | false;
  /** @default none */
  readonly operationName?: string;
}

export interface ModelOptions {
  /** @default none */
  readonly description?: string;
  /** @default "application/json" */
  readonly contentType?: string;
}

export interface Model {
  readonly name: string;
  readonly resource: ApiGatewayModel;
}

export interface Authorizer {
  readonly name: string;
  readonly type: AuthorizerOptions["type"];
  readonly resource: ApiGatewayAuthorizer;
}

export interface ApiKeyOptions {
  /** @default none */
  readonly description?: string;
  /** @default true */
  readonly enabled?: boolean;
}

export interface ApiKey {
  readonly name: string;
  readonly resource: ApiGatewayApiKey;
}

export interface UsagePlanOptions {
  /** Stages covered. @default every stage */
  readonly stages?: readonly string[];
  /** @default none */
  readonly description?: string;
  /** Requests per period per key; `offset` is the days skipped in the first period. @default no quota */
  readonly quota?: { readonly limit: number; readonly period: "DAY" | "WEEK" | "MONTH"; readonly offset?: number };
  /** @default no plan throttle */
  readonly throttle?: ThrottleInput;
  /** Per-method throttle: `{ "GET /items/{ID}": { rate: 5, burst: 10 } }`. @default none */
  readonly methodThrottle?: Readonly<Record<string, ThrottleInput>>;
  /** Keys (names, created if new, or keys from `addApiKey`). @default none */
  readonly keys?: readonly (string | ApiKey)[];
}

export interface UsagePlan {
  readonly name: string;
  readonly resource: ApiGatewayUsagePlan;
}

export interface GatewayResponseOptions {
  /** @default API Gateway's status for the type */
  readonly statusCode?: string;
  /** Static response headers (quoted for you): `{ "X-Request-Id": "abc" }`. @default none */
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * Response headers mapped from the request or its context:
   * `{ "X-Correlation-Id": "method.request.header.X-Correlation-Id" }` (also
   * `method.request.querystring.*` / `path.*`, `context.*`, `stageVariables.*`).
   * @default none
   */
  readonly headerMappings?: Readonly<Record<string, string>>;
  /** Body templates by content type, e.g. `{ "application/json": '{"message":$context.error.messageString}' }`. @default API Gateway's */
  readonly templates?: Readonly<Record<string, string>>;
}

export interface DomainNameOptions {
  /** ACM certificate ARN (in us-east-1 for EDGE, in the API's region for REGIONAL). */
  readonly certificateArn: string;
  /** Stage served under this domain. */
  readonly stage: string;
  /** Path under the domain, e.g. `"v1"`. @default "" (the domain's root) */
  readonly basePath?: string;
  /** @default "REGIONAL" */
  readonly endpointType?: "REGIONAL" | "EDGE";
  /** @default "TLS_1_2" */
  readonly securityPolicy?: "TLS_1_0" | "TLS_1_2";
}

export interface DomainName {
  readonly domainName: string;
  readonly resource: ApiGatewayDomainName;
  readonly mapping: ApiGatewayBasePathMapping;
  /** Target for the DNS alias record (regional or CloudFront domain name). */
  readonly targetDomainName: string;
  /** Hosted zone id for the DNS alias record. */
  readonly targetZoneId: string;
}

export const GATEWAY_RESPONSE_TYPES = [
  "ACCESS_DENIED", "API_CONFIGURATION_ERROR", "AUTHORIZER_CONFIGURATION_ERROR", "AUTHORIZER_FAILURE",
  "BAD_REQUEST_PARAMETERS", "BAD_REQUEST_BODY", "DEFAULT_4XX", "DEFAULT_5XX", "EXPIRED_TOKEN",
  "INTEGRATION_FAILURE", "INTEGRATION_TIMEOUT", "INVALID_API_KEY", "INVALID_SIGNATURE",
  "MISSING_AUTHENTICATION_TOKEN", "QUOTA_EXCEEDED", "REQUEST_TOO_LARGE", "RESOURCE_NOT_FOUND",
  "THROTTLED", "UNAUTHORIZED", "UNSUPPORTED_MEDIA_TYPE", "WAF_FILTERED",
] as const;
export type GatewayResponseType = (typeof GATEWAY_RESPONSE_TYPES)[number];

/** Fields of every access log line, JSON. */
export const ACCESS_LOG_FORMAT = JSON.stringify({
  requestId: "$context.requestId",
  extendedRequestId: "$context.extendedRequestId",
  requestTime: "$context.requestTime",
  sourceIp: "$context.identity.sourceIp",
  httpMethod: "$context.httpMethod",
  resourcePath: "$context.resourcePath",
  path: "$context.path",
  protocol: "$context.protocol",
  status: "$context.status",
  responseLength: "$context.responseLength",
  responseLatency: "$context.responseLatency",
  integrationLatency: "$context.integration.latency",
  apiKeyId: "$context.identity.apiKeyId",
  userAgent: "$context.identity.userAgent",
  integrationErrorMessage: "$context.integration.error",
  errorMessage: "$context.error.message",
});
