/**
 * Stages: their definition (variables, cache, throttle, logging, validated), the cache
 * cluster a stage turns on for itself when a route caches on it, and their Terraform:
 * `aws_api_gateway_stage`, access and execution log groups, invoke URL outputs and
 * `aws_api_gateway_method_settings` (stage-wide `*` / `*` and per route).
 */
import {
  ApiGatewayMethodSettings,
  type ApiGatewayMethodSettingsSettings as ReadonlySettings,
} from "@cdktf/provider-aws/lib/api-gateway-method-settings";
import type { ApiGatewayDeployment } from "@cdktf/provider-aws/lib/api-gateway-deployment";
import type { ApiGatewayRestApi } from "@cdktf/provider-aws/lib/api-gateway-rest-api";
import { ApiGatewayStage } from "@cdktf/provider-aws/lib/api-gateway-stage";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import { isResolved, PropError } from "../core/errors";
import { checkTtl, resolveThrottle } from "./limits";
import { methodSettingsPath } from "./paths";
import { ACCESS_LOG_FORMAT } from "./props";
import { CACHE_SIZES, type ResolvedStage, type ResolvedStageCache, type RouteDefinition, type StageOptions } from "./types";

const STAGE_NAME = /^[A-Za-z0-9_-]{1,128}$/;
const VARIABLE_NAME = /^[A-Za-z0-9_]{1,64}$/;
const VARIABLE_VALUE = /^[A-Za-z0-9\-._~:/?#&=,]{1,512}$/;

type MethodSettings = { -readonly [K in keyof ReadonlySettings]: ReadonlySettings[K] };

// ---------------------------------------------------------------- definition

/** Applies a stage's defaults and validates it. */
export function resolveStage(where: string, name: string, o: StageOptions): ResolvedStage {
  const prop = `stages.${name}`;
  if (!STAGE_NAME.test(name)) {
    throw new PropError(where, "stages", name, "name a stage with letters, digits, - or _ (at most 128).");
  }
  const variables = o.variables ?? {};
  for (const [k, v] of Object.entries(variables)) {
    if (!VARIABLE_NAME.test(k)) {
      throw new PropError(where, `${prop}.variables`, k, "name a stage variable with letters, digits or _ (at most 64).");
    }
    if (isResolved(v) && !VARIABLE_VALUE.test(v)) {
      throw new PropError(where, `${prop}.variables.${k}`, v, "use letters, digits and - . _ ~ : / ? # & = , (at most 512).");
    }
  }
  let cache: ResolvedStageCache | undefined;
  if (o.cache) {
    const c = o.cache;
    const enabled = c.enabled ?? true;
    if (!enabled && c.sizeGb !== undefined) {
      throw new PropError(where, `${prop}.cache.sizeGb`, c.sizeGb, 'cannot set "sizeGb" when "enabled" is false: drop one of them.');
    }
    const size = String(c.sizeGb ?? 0.5);
    if (!(CACHE_SIZES as readonly string[]).includes(size)) {
      throw new PropError(where, `${prop}.cache.sizeGb`, c.sizeGb, `use one of ${CACHE_SIZES.join(", ")} (GB).`);
    }
    const ttl = c.ttl ?? 300;
    checkTtl(ttl, where, `${prop}.cache.ttl`);
    cache = {
      enabled,
      inferred: false,
      sizeGb: size,
      ttl,
      encrypted: c.encrypted ?? true,
      requireAuthorization: c.requireAuthorization ?? true,
      unauthorizedStrategy: c.unauthorizedStrategy ?? "FAIL_WITH_403",
      allMethods: c.allMethods ?? true,
    };
  }
  const loggingLevel = o.loggingLevel ?? "OFF";
  if (!["OFF", "ERROR", "INFO"].includes(loggingLevel)) {
    throw new PropError(where, `${prop}.loggingLevel`, loggingLevel, 'use "OFF", "ERROR" or "INFO".');
  }
  if (o.dataTrace && loggingLevel === "OFF") {
    throw new PropError(where, `${prop}.dataTrace`, true, 'data trace goes to execution logs: set loggingLevel to "INFO" or "ERROR".');
  }
  return {
    name,
    variables: { ...variables },
    ...(o.description !== undefined ? { description: o.description } : {}),
    ...(cache ? { cache } : {}),
    ...(o.throttle ? { throttle: resolveThrottle(o.throttle, where, `${prop}.throttle`) } : {}),
    tracing: o.tracing ?? false,
    accessLogs: o.accessLogs ?? true,
    loggingLevel,
    dataTrace: o.dataTrace ?? false,
    metrics: o.metrics ?? true,
  };
}

/**
 * The stage as deployed: a stage without a cache of its own turns on the smallest cache
 * cluster (0.5 GB, caching only the routes that ask) when one of its routes caches.
 */
export function effectiveStage(stage: ResolvedStage, routes: Iterable<RouteDefinition>): ResolvedStage {
  if (stage.cache) return stage;
  const cached = [...routes].some((r) => r.cache[stage.name] !== undefined && r.cache[stage.name] !== false);
  if (!cached) return stage;
  return {
    ...stage,
    cache: {
      enabled: true,
      inferred: true,
      sizeGb: "0.5",
      ttl: 300,
      encrypted: true,
      requireAuthorization: true,
      unauthorizedStrategy: "FAIL_WITH_403",
      allMethods: false,
    },
  };
}

// ---------------------------------------------------------------- render

export interface StageResources {
  readonly stage: ApiGatewayStage;
  readonly accessLogs?: CloudwatchLogGroup;
  readonly executionLogs?: CloudwatchLogGroup;
}

/**
 * The stage, its JSON access log group and (with execution logging) the execution log group
 * API Gateway would otherwise create itself without retention, and the invoke URL output.
 */
export function renderStage(
  scope: Construct,
  api: ApiGatewayRestApi,
  deployment: ApiGatewayDeployment,
  s: ResolvedStage,
  apiName: string,
  retention: number,
): StageResources {
  let accessLogs: CloudwatchLogGroup | undefined;
  let accessLogSettings: { destinationArn: string; format: string } | undefined;
  if (s.accessLogs) {
    accessLogs = new CloudwatchLogGroup(scope, `AccessLogs-${s.name}`, {
      name: `API-Gateway-Access-Logs_${apiName}/${s.name}`,
      retentionInDays: retention,
    });
    accessLogSettings = { destinationArn: accessLogs.arn, format: ACCESS_LOG_FORMAT };
  }
  const stage = new ApiGatewayStage(scope, `Stage-${s.name}`, {
    restApiId: api.id,
    deploymentId: deployment.id,
    stageName: s.name,
    description: s.description,
    variables: Object.keys(s.variables).length > 0 ? { ...s.variables } : undefined,
    xrayTracingEnabled: s.tracing,
    accessLogSettings,
  });
  let executionLogs: CloudwatchLogGroup | undefined;
  if (s.loggingLevel !== "OFF") {
    executionLogs = new CloudwatchLogGroup(scope, `ExecutionLogs-${s.name}`, {
      name: `API-Gateway-Execution-Logs_${api.id}/${s.name}`,
      retentionInDays: retention,
    });
  }
  new TerraformOutput(scope, `InvokeUrl-${s.name}`, {
    value: stage.invokeUrl,
    description: `Invoke URL of ${apiName}, stage ${s.name}`,
  });
  return { stage, ...(accessLogs ? { accessLogs } : {}), ...(executionLogs ? { executionLogs } : {}) };
}

/** The stage's cache cluster and its method settings: `*` / `*`, then each route with its own cache or throttle. */
export function renderStageSettings(
  scope: Construct,
  api: ApiGatewayRestApi,
  resources: StageResources,
  s: ResolvedStage,
  routes: readonly RouteDefinition[],
): void {
  const stage = resources.stage;
  if (s.cache) {
    stage.cacheClusterEnabled = s.cache.enabled;
    if (s.cache.enabled) stage.cacheClusterSize = s.cache.sizeGb;
  }
  const base = stageSettings(s);
  new ApiGatewayMethodSettings(scope, `MethodSettings-${s.name}-all`, {
    restApiId: api.id,
    stageName: stage.stageName,
    methodPath: "*/*",
    settings: base,
    // logging starts here: the execution log group must exist first, with its retention
    dependsOn: resources.executionLogs ? [resources.executionLogs] : undefined,
  });
  for (const def of routes) {
    const own = def.cache[s.name];
    const throttle = def.throttle[s.name];
    if (own === undefined && throttle === undefined) continue;
    const settings: MethodSettings = { ...base };
    if (own === false) settings.cachingEnabled = false;
    else if (own !== undefined) {
      settings.cachingEnabled = true;
      settings.cacheTtlInSeconds = own.ttl ?? s.cache?.ttl ?? 300;
      settings.cacheDataEncrypted = s.cache?.encrypted ?? true;
      settings.requireAuthorizationForCacheControl = s.cache?.requireAuthorization ?? true;
      settings.unauthorizedCacheControlHeaderStrategy = s.cache?.unauthorizedStrategy ?? "FAIL_WITH_403";
    }
    if (throttle) {
      settings.throttlingRateLimit = throttle.rate;
      settings.throttlingBurstLimit = throttle.burst;
    }
    new ApiGatewayMethodSettings(scope, `MethodSettings-${s.name} ${def.method} ${def.path}`, {
      restApiId: api.id,
      stageName: stage.stageName,
      methodPath: methodSettingsPath(def.method, def.path),
      settings,
    });
  }
}

function stageSettings(s: ResolvedStage): MethodSettings {
  const settings: MethodSettings = {
    metricsEnabled: s.metrics,
    loggingLevel: s.loggingLevel,
    dataTraceEnabled: s.dataTrace,
  };
  if (s.throttle) {
    settings.throttlingRateLimit = s.throttle.rate;
    settings.throttlingBurstLimit = s.throttle.burst;
  }
  if (s.cache && s.cache.enabled) {
    settings.cachingEnabled = s.cache.allMethods;
    settings.cacheTtlInSeconds = s.cache.ttl;
    settings.cacheDataEncrypted = s.cache.encrypted;
    settings.requireAuthorizationForCacheControl = s.cache.requireAuthorization;
    settings.unauthorizedCacheControlHeaderStrategy = s.cache.unauthorizedStrategy;
  }
  return settings;
}
