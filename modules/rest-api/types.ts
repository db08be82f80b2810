/**
 * Plain-data shapes shared by the RestApi construct, the deployment hash and the route
 * table. Everything here can be built and inspected without a synth.
 */
import type { ThrottleConfig } from "../config/environments";
import type { CorsOptions, ResolvedCors } from "./cors";
import type { Integration, LambdaAliasTarget } from "./integrations/index";
import type { LambdaFunctionRef } from "../core/function-ref";
import type { HttpMethod } from "./paths";

/** Steady-state rate (requests per second) and burst. `ThrottleConfig` from the environment is accepted too. */
export type ThrottleInput =
  | { readonly rate: number; readonly burst: number }
  | ThrottleConfig;

export interface Throttle {
  readonly rate: number;
  readonly burst: number;
}

/** Cache cluster sizes API Gateway offers, in GB. */
export const CACHE_SIZES = ["0.5", "1.6", "6.1", "13.5", "28.4", "58.2", "118", "237"] as const;
export type CacheSizeGb = 0.5 | 1.6 | 6.1 | 13.5 | 28.4 | 58.2 | 118 | 237;

export type UnauthorizedCacheControlStrategy =
  | "FAIL_WITH_403"
  | "SUCCEED_WITH_RESPONSE_HEADER"
  | "SUCCEED_WITHOUT_RESPONSE_HEADER";

export interface StageCacheOptions {
  /**
   * Provisions the stage's cache cluster. `false` with a size is a contradiction.
   * @default true
   */
  readonly enabled?: boolean;
  /** Cache cluster size in GB. @default 0.5 */
  readonly sizeGb?: CacheSizeGb;
  /** Time to live of cached responses, 0..3600 seconds. @default 300 */
  readonly ttl?: number;
  /** Encrypt cached data. @default true */
  readonly encrypted?: boolean;
  /** Require IAM authorization to invalidate a cache entry (`Cache-Control: max-age=0`). @default true */
  readonly requireAuthorization?: boolean;
  /** What happens to an unauthorized invalidation request. @default "FAIL_WITH_403" */
  readonly unauthorizedStrategy?: UnauthorizedCacheControlStrategy;
  /**
   * Turn caching on for every method of the stage (`*` / `*` method settings; API Gateway
   * caches GET responses only). With `false` only routes with their own `cache` are cached.
   * @default true
   */
  readonly allMethods?: boolean;
}

export type LoggingLevel = "OFF" | "ERROR" | "INFO";

export interface StageOptions {
  /** Stage variables, e.g. `{ lambdaAlias: "prod" }`. @default {} */
  readonly variables?: Readonly<Record<string, string>>;
  /** @default none */
  readonly description?: string;
  /** Stage cache cluster and stage-wide cache settings. @default no cache (inferred when a route caches on this stage) */
  readonly cache?: StageCacheOptions;
  /** Stage-wide throttle. @default the account's limits */
  readonly throttle?: ThrottleInput;
  /** X-Ray tracing. @default false */
  readonly tracing?: boolean;
  /**
   * JSON access logs to the stage's own log group. Needs the account's API Gateway
   * CloudWatch role (set once per account and region, by the platform stack).
   * @default true
   */
  readonly accessLogs?: boolean;
  /** Execution logging level (needs the account's CloudWatch role too). @default "OFF" */
  readonly loggingLevel?: LoggingLevel;
  /** Log full requests and responses in execution logs. @default false */
  readonly dataTrace?: boolean;
  /** Detailed CloudWatch metrics per method. @default true */
  readonly metrics?: boolean;
}

export interface ResolvedStageCache {
  readonly enabled: boolean;
  /** True when the cluster was inferred from a route's cache, not asked for. */
  readonly inferred: boolean;
  readonly sizeGb: string;
  readonly ttl: number;
  readonly encrypted: boolean;
  readonly requireAuthorization: boolean;
  readonly unauthorizedStrategy: UnauthorizedCacheControlStrategy;
  readonly allMethods: boolean;
}

export interface ResolvedStage {
  readonly name: string;
  readonly variables: Readonly<Record<string, string>>;
  readonly description?: string;
  readonly cache?: ResolvedStageCache;
  readonly throttle?: Throttle;
  readonly tracing: boolean;
  readonly accessLogs: boolean;
  readonly loggingLevel: LoggingLevel;
  readonly dataTrace: boolean;
  readonly metrics: boolean;
}

export type AuthorizerOptions =
  | {
      readonly type: "COGNITO_USER_POOLS";
      /** User pool ARNs. */
      readonly userPoolArns: readonly string[];
      /** @default "method.request.header.Authorization" */
      readonly identitySource?: string;
      /** Seconds a result is cached, 0..3600. @default 300 */
      readonly resultTtlSeconds?: number;
    }
  | {
      readonly type: "TOKEN";
      /** The authorizer function (unqualified) or one of its aliases. */
      readonly fn: LambdaFunctionRef | LambdaAliasTarget;
      /** @default "method.request.header.Authorization" */
      readonly identitySource?: string;
      /** Regular expression the token must match before the function is called. @default none */
      readonly validationExpression?: string;
      /** Seconds a result is cached, 0..3600. @default 300 */
      readonly resultTtlSeconds?: number;
    }
  | {
      readonly type: "REQUEST";
      readonly fn: LambdaFunctionRef | LambdaAliasTarget;
      /** E.g. `["method.request.header.Authorization", "method.request.querystring.token"]`; required when the TTL is above 0. */
      readonly identitySources: readonly string[];
      /** Seconds a result is cached, 0..3600. @default 300 */
      readonly resultTtlSeconds?: number;
    };

export type AuthorizerType = AuthorizerOptions["type"];

/** An authorizer as the route table and the hash see it. */
export interface AuthorizerDefinition {
  readonly name: string;
  readonly type: AuthorizerType;
  readonly identitySource: string;
  readonly resultTtlSeconds: number;
  /** Function id (and alias) for Lambda authorizers. */
  readonly target?: string;
  /** The physical function name (and alias) a Lambda authorizer's URI resolves to. */
  readonly invokes?: string;
  readonly providerArns?: readonly string[];
  readonly validationExpression?: string;
}

export type ValidationMode = "none" | "body" | "params" | "all";
export type Validator = "NONE" | "BODY" | "PARAMS" | "BODY_AND_PARAMS";

export interface MethodResponseOptions {
  /** The method response's status code, as a string (`"200"`). */
  readonly statusCode: string;
  /** Response models by content type (model names or Model handles' names). @default none */
  readonly responseModels?: Readonly<Record<string, string>>;
  /** Declared response headers: `{ "X-Id": true }` (the `method.response.header.` prefix may be left out). @default none */
  readonly responseParameters?: Readonly<Record<string, boolean>>;
}

export interface RouteCacheOptions {
  /** Time to live, 0..3600 seconds. @default the stage's cache TTL, or 300 */
  readonly ttl?: number;
  /** Stages this applies to. @default every stage */
  readonly stages?: readonly string[];
}

export type RouteThrottleOptions = ThrottleInput & {
  /** Stages this applies to. @default every stage */
  readonly stages?: readonly string[];
};

/** A route with every default applied: what the Terraform, the hash and the route table come from. */
export interface RouteDefinition {
  readonly method: HttpMethod;
  readonly path: string;
  readonly pathParams: readonly string[];
  readonly integration: Integration;
  readonly apiKeyRequired: boolean;
  /** Authorizer name, `"IAM"`, or undefined. */
  readonly authorizer?: string;
  readonly authorizationScopes: readonly string[];
  /** Full names (`method.request.querystring.x`) → required. */
  readonly requestParameters: Readonly<Record<string, boolean>>;
  /** Content type → model name. */
  readonly requestModels: Readonly<Record<string, string>>;
  readonly validator: Validator;
  readonly methodResponses: readonly MethodResponseOptions[];
  readonly cacheKeyParameters: readonly string[];
  /** Per stage: route cache override (`false` = off) or undefined to inherit the stage. */
  readonly cache: Readonly<Record<string, { readonly ttl?: number } | false | undefined>>;
  /** Per stage: route throttle override or undefined to inherit the stage. */
  readonly throttle: Readonly<Record<string, Throttle | undefined>>;
  /** Route-level CORS override: options, `false` (no CORS) or undefined (the API's). */
  readonly cors?: ResolvedCors | false;
  readonly operationName?: string;
}

export interface UsagePlanDefinition {
  readonly name: string;
  readonly stages: readonly string[];
  readonly quota?: { readonly limit: number; readonly period: "DAY" | "WEEK" | "MONTH"; readonly offset: number };
  readonly throttle?: Throttle;
  /** `"GET /items/{ID}"` → throttle. */
  readonly methodThrottle: Readonly<Record<string, Throttle>>;
  readonly keys: readonly string[];
}

/** The whole API as data: input of {@link routeTable} and of the deployment hash. */
export interface ApiDefinition {
  readonly name: string;
  readonly stages: readonly ResolvedStage[];
  readonly routes: readonly RouteDefinition[];
  readonly authorizers: readonly AuthorizerDefinition[];
  readonly usagePlans: readonly UsagePlanDefinition[];
  readonly cors?: ResolvedCors;
}

export type { CorsOptions };
