/**
 * Routes: `addRoute("GET /items/{ID}", options)` checked and turned into a
 * {@link RouteDefinition} with every default applied (request parameters, cache keys,
 * models, validator, authorization, per-stage cache and throttle, CORS override). The
 * Terraform is written from it at synth (method.ts, integrations/, stage.ts).
 */
import { PropError } from "../core/errors";
import type { Authorizers } from "./authorizer";
import { resolveCors, type ResolvedCors } from "./cors";
import type { Integration } from "./integrations/index";
import { checkIntegration } from "./integrations/registry";
import { methodParametersRead } from "./integrations/parameters";
import { bodyPassesThrough } from "./integrations/responses";
import { checkTtl, resolveThrottle } from "./limits";
import type { Models } from "./model";
import { parseRoute } from "./paths";
import type { RouteOptions } from "./props";
import type { ResolvedStage, RouteDefinition, Throttle, ValidationMode, Validator } from "./types";

const PARAM_KINDS = ["path", "querystring", "header", "multivaluequerystring", "multivalueheader"];

export interface RouteContext {
  readonly where: string;
  /** The API's CORS. */
  readonly cors: ResolvedCors | undefined;
  readonly stages: ReadonlyMap<string, ResolvedStage>;
  readonly models: Models;
  readonly authorizers: Authorizers;
}

/** The route's key (`GET /items/{ID}`) and definition. */
export function defineRoute(ctx: RouteContext, route: string, options: RouteOptions): RouteDefinition {
  const where = ctx.where;
  const parsed = parseRoute(route, where);
  const key = `${parsed.method} ${parsed.path}`;
  const prop = `routes["${key}"]`;
  if (parsed.method === "OPTIONS" && (options.cors ?? ctx.cors) && options.cors !== false) {
    throw new PropError(where, "route", route, "CORS already answers OPTIONS on this resource: set cors: false on this route, or drop it.");
  }
  const integration = options.integration;
  checkIntegration(integration, { where, prop, route: key, path: parsed.path, pathParams: parsed.pathParams, stages: ctx.stages.values() });

  // request parameters
  const requestParameters: Record<string, boolean> = {};
  for (const p of parsed.pathParams) requestParameters[`method.request.path.${p}`] = true;
  for (const [name, required] of Object.entries(options.requestParameters ?? {})) {
    const full = requestParameterName(where, name, `${prop}.requestParameters`);
    const param = full.split(".").slice(3).join(".");
    if (full.startsWith("method.request.path.") && !parsed.pathParams.includes(param)) {
      throw new PropError(where, `${prop}.requestParameters`, name, `"${param}" is not in the path ${parsed.path}: name it in the path as {${param}}.`);
    }
    requestParameters[full] = full.startsWith("method.request.path.") ? true : required;
  }
  // method request parameters the integration's mappings read are declared on the method
  if ("requestParameters" in integration && integration.type !== "HTTP_PROXY") {
    for (const source of methodParametersRead(integration.requestParameters ?? {})) {
      if (!(source in requestParameters)) requestParameters[source] = false;
    }
  }
  const cacheKeyParameters: string[] = [];
  for (const k of options.cacheKey ?? []) {
    let full: string;
    if (parsed.pathParams.includes(k)) full = `method.request.path.${k}`;
    else if (k.includes(".")) full = requestParameterName(where, k, `${prop}.cacheKey`);
    else {
      throw new PropError(where, `${prop}.cacheKey`, k, `name a path parameter of ${parsed.path} (${parsed.pathParams.join(", ") || "none"}) or write "querystring.${k}" / "header.${k}".`);
    }
    if (full.startsWith("method.request.path.") && !parsed.pathParams.includes(full.split(".").pop()!)) {
      throw new PropError(where, `${prop}.cacheKey`, k, `"${k}" is not a parameter of ${parsed.path}.`);
    }
    if (!(full in requestParameters)) requestParameters[full] = false;
    cacheKeyParameters.push(full);
  }
  if (cacheKeyParameters.length > 0 && integration.type === "MOCK") {
    throw new PropError(where, `${prop}.cacheKey`, options.cacheKey, "cache keys go on a backend integration; a MOCK integration has none.");
  }

  // models and validation
  const requestModels: Record<string, string> = {};
  if (options.requestModel !== undefined) requestModels["application/json"] = ctx.models.nameOf(options.requestModel, `${prop}.requestModel`);
  for (const [ct, m] of Object.entries(options.requestModels ?? {})) requestModels[ct] = ctx.models.nameOf(m, `${prop}.requestModels`);
  const hasBody = Object.keys(requestModels).length > 0;
  const hasParams = Object.entries(requestParameters).some(([k, v]) => v && !k.startsWith("method.request.path."));
  const validator = validatorFor(where, options.validation, hasBody, hasParams, `${prop}.validation`);
  for (const mr of options.methodResponses ?? []) {
    if (!/^[1-5]\d\d$/.test(mr.statusCode)) {
      throw new PropError(where, `${prop}.methodResponses`, mr.statusCode, 'use a status code such as "200".');
    }
    for (const m of Object.values(mr.responseModels ?? {})) ctx.models.nameOf(m, `${prop}.methodResponses.responseModels`);
  }

  // authorization
  let authorizer: string | undefined;
  if (options.authorizer === "IAM") authorizer = "IAM";
  else if (options.authorizer !== undefined) authorizer = ctx.authorizers.nameOf(options.authorizer, `${prop}.authorizer`);
  if ((options.authorizationScopes ?? []).length > 0 && (authorizer === undefined || ctx.authorizers.get(authorizer)?.def.type !== "COGNITO_USER_POOLS")) {
    throw new PropError(where, `${prop}.authorizationScopes`, options.authorizationScopes, "scopes apply to a Cognito user pool authorizer: set authorizer too.");
  }

  // cache and throttle per stage (a route cache on a stage without one turns on the stage's cluster: stage.ts)
  const cache: Record<string, { ttl?: number } | false | undefined> = {};
  if (options.cache === false) {
    for (const s of ctx.stages.keys()) cache[s] = false;
  } else if (options.cache) {
    const c = options.cache;
    if (c.ttl !== undefined) checkTtl(c.ttl, where, `${prop}.cache.ttl`);
    for (const s of checkStages(ctx, c.stages, `${prop}.cache.stages`)) {
      const stage = ctx.stages.get(s)!;
      if (stage.cache && !stage.cache.enabled) {
        throw new PropError(where, `${prop}.cache`, c, `stage "${s}" has cache.enabled false: enable it, or limit this route's cache with "stages".`);
      }
      cache[s] = c.ttl !== undefined ? { ttl: c.ttl } : {};
    }
  }
  const throttle: Record<string, Throttle | undefined> = {};
  if (options.throttle) {
    const t = resolveThrottle(options.throttle, where, `${prop}.throttle`);
    for (const s of checkStages(ctx, options.throttle.stages, `${prop}.throttle.stages`)) throttle[s] = t;
  }
  const cors = options.cors === undefined ? undefined : options.cors === false ? false : resolveCors(options.cors, where, `${prop}.cors`);
  checkCachedBody(ctx, parsed.method, integration, cache, prop);

  return {
    method: parsed.method,
    path: parsed.path,
    pathParams: parsed.pathParams,
    integration,
    apiKeyRequired: options.apiKey ?? false,
    ...(authorizer !== undefined ? { authorizer } : {}),
    authorizationScopes: [...(options.authorizationScopes ?? [])],
    requestParameters,
    requestModels,
    validator,
    methodResponses: [...(options.methodResponses ?? [])],
    cacheKeyParameters,
    cache,
    throttle,
    ...(cors !== undefined ? { cors } : {}),
    ...(options.operationName !== undefined ? { operationName: options.operationName } : {}),
  };
}

/**
 * A cached response may depend only on its cache key: a route cached on some stage whose
 * request body reaches the function untemplated would let one caller's body decide what
 * every caller gets until the entry expires.
 */
function checkCachedBody(
  ctx: RouteContext,
  method: string,
  integration: Integration,
  cache: Readonly<Record<string, { ttl?: number } | false | undefined>>,
  prop: string,
): void {
  if (integration.type !== "AWS" && integration.type !== "HTTP") return;
  if (!bodyPassesThrough(integration.requestTemplates, integration.passthroughBehavior)) return;
  for (const [name, stage] of ctx.stages) {
    const own = cache[name];
    const cached = own !== undefined ? own !== false : method === "GET" && stage.cache !== undefined && stage.cache.enabled && stage.cache.allMethods;
    if (!cached) continue;
    throw new PropError(
      ctx.where,
      `${prop}.integration.passthroughBehavior`,
      integration.passthroughBehavior,
      `the route is cached on stage "${name}" and the request body reaches the backend untemplated, but the body is not part of the cache key: one caller's body would decide what every caller gets. Give the integration requestTemplates { "application/json": ... } with passthroughBehavior: "NEVER", so only the template's parameters reach the backend.`,
    );
  }
}

function checkStages(ctx: RouteContext, stages: readonly string[] | undefined, prop: string): string[] {
  const all = [...ctx.stages.keys()];
  for (const s of stages ?? []) {
    if (!ctx.stages.has(s)) throw new PropError(ctx.where, prop, s, `use one of the stages ${all.join(", ")}.`);
  }
  return [...(stages ?? all)];
}

function requestParameterName(where: string, name: string, prop: string): string {
  const full = name.startsWith("method.request.") ? name : `method.request.${name}`;
  const m = /^method\.request\.([a-z]+)\.([A-Za-z0-9_.-]+)$/.exec(full);
  if (!m || !PARAM_KINDS.includes(m[1]!)) {
    throw new PropError(where, prop, name, `write "<kind>.<name>" with kind one of ${PARAM_KINDS.join(", ")}, e.g. "querystring.table".`);
  }
  return full;
}

function validatorFor(where: string, mode: ValidationMode | undefined, hasBody: boolean, hasParams: boolean, prop: string): Validator {
  const chosen = mode ?? (hasBody && hasParams ? "all" : hasBody ? "body" : hasParams ? "params" : "none");
  if ((chosen === "body" || chosen === "all") && !hasBody) {
    throw new PropError(where, prop, chosen, "body validation needs a request model: set requestModel, or validate params only.");
  }
  switch (chosen) {
    case "none":
      return "NONE";
    case "body":
      return "BODY";
    case "params":
      return "PARAMS";
    case "all":
      return "BODY_AND_PARAMS";
    default:
      throw new PropError(where, prop, chosen, 'use "none", "body", "params" or "all".');
  }
}

/** The effective CORS of a resource: a route override (all routes on it must agree) or the API's. */
export function corsFor(where: string, routes: Iterable<RouteDefinition>, path: string, apiCors: ResolvedCors | undefined): ResolvedCors | undefined {
  const overrides = [...routes].filter((r) => r.path === path && r.cors !== undefined).map((r) => r.cors);
  if (overrides.length > 0) {
    const first = JSON.stringify(overrides[0]);
    if (overrides.some((o) => JSON.stringify(o) !== first)) {
      throw new PropError(where, `routes on ${path}.cors`, overrides, "routes on one resource share its OPTIONS preflight: give them the same cors override.");
    }
    return overrides[0] === false ? undefined : (overrides[0] as ResolvedCors);
  }
  return apiCors;
}
