/**
 * The API-level view of a synthesized stack, rebuilt from `cdk.tf.json` alone: REST APIs,
 * their routes (paths rebuilt by walking `aws_api_gateway_resource` parents), stages with
 * their variables and method settings, usage plans and keys. Pure: the review report, the
 * OpenAPI documents and the API diff are all computed from this model.
 */
import {
  block,
  blocks,
  isToken,
  parseRef,
  refersTo,
  resolveValue,
  resourceAt,
  resourcesOfType,
  strings,
  type StackJson,
  type TfResource,
} from "../../modules/policy";
import { designatesStage, methodSettingsOf } from "../../modules/policy/rules/apigateway";

export interface Throttle {
  readonly rate?: number;
  readonly burst?: number;
}

export interface LambdaTarget {
  /** Function name (literal) or Terraform name when the name is an expression. */
  readonly function: string;
  /** Alias fixed in the integration URI (`prod`). */
  readonly alias?: string;
  /** Stage variable that chooses the alias (`lambdaAlias`). */
  readonly aliasVariable?: string;
}

export interface Integration {
  /** `AWS_PROXY`, `AWS`, `MOCK`, `HTTP_PROXY`, `HTTP` */
  readonly type: string;
  readonly httpMethod?: string;
  readonly uri?: string;
  readonly lambda?: LambdaTarget;
  readonly passthroughBehavior?: string;
  readonly requestTemplates: Readonly<Record<string, string>>;
  readonly cacheKeyParameters: readonly string[];
  readonly timeoutMs?: number;
  readonly responses: readonly {
    readonly statusCode: string;
    readonly selectionPattern?: string;
    readonly responseTemplates: Readonly<Record<string, string>>;
    readonly responseParameters: Readonly<Record<string, string>>;
  }[];
}

export interface RouteStage {
  /** The alias this stage invokes, when the target is a Lambda function. */
  readonly alias?: string;
  readonly caching: boolean;
  readonly cacheTtl?: number;
  readonly throttle: Throttle;
}

export interface Route {
  readonly method: string;
  readonly path: string;
  /** `NONE`, `AWS_IAM`, `COGNITO_USER_POOLS`, `CUSTOM` */
  readonly authorization: string;
  readonly authorizer?: { readonly name: string; readonly type: string; readonly ttl?: number; readonly providerArns: readonly string[]; readonly identitySource?: string };
  readonly apiKeyRequired: boolean;
  readonly integration?: Integration;
  readonly validation: { readonly body: boolean; readonly parameters: boolean; readonly validator?: string };
  /** Content type → model name. */
  readonly requestModels: Readonly<Record<string, string>>;
  /** `method.request.querystring.q` → required */
  readonly requestParameters: Readonly<Record<string, boolean>>;
  readonly methodResponses: readonly { readonly statusCode: string; readonly models: Readonly<Record<string, string>>; readonly headers: readonly string[] }[];
  /** Per stage name: alias invoked, cache and throttle in effect. */
  readonly stages: Readonly<Record<string, RouteStage>>;
}

export interface Stage {
  readonly name: string;
  readonly variables: Readonly<Record<string, string>>;
  readonly cacheCluster: { readonly enabled: boolean; readonly size?: string };
  readonly cacheEncrypted: boolean;
  readonly xray: boolean;
  readonly accessLogs?: string;
  readonly loggingLevel?: string;
  readonly dataTrace: boolean;
  readonly metrics: boolean;
  /** Stage-wide throttle (`*\/*` method settings). */
  readonly throttle: Throttle;
}

export interface UsagePlan {
  readonly name: string;
  readonly stages: readonly { readonly api: string; readonly stage: string; readonly methodThrottles: Readonly<Record<string, Throttle>> }[];
  readonly throttle?: Throttle;
  readonly quota?: { readonly limit?: number; readonly period?: string; readonly offset?: number };
  readonly keys: readonly string[];
}

export interface Model {
  readonly name: string;
  readonly contentType: string;
  readonly schema: unknown;
}

export interface ApiModel {
  readonly stack: string;
  readonly name: string;
  readonly address: string;
  readonly description?: string;
  readonly endpointTypes: readonly string[];
  readonly binaryMediaTypes: readonly string[];
  readonly apiKeySource?: string;
  readonly routes: readonly Route[];
  readonly stages: readonly Stage[];
  readonly usagePlans: readonly UsagePlan[];
  readonly apiKeys: readonly { readonly name: string; readonly enabled: boolean }[];
  readonly models: readonly Model[];
}

const numOf = (v: unknown): number | undefined => (typeof v === "number" ? v : typeof v === "string" && v !== "" && !isNaN(Number(v)) ? Number(v) : undefined);

/** A readable name for a value: the literal, or the Terraform name of the resource an expression points to. */
function display(stack: StackJson, v: unknown): string {
  const resolved = resolveValue(stack, v);
  if (!isToken(resolved)) return String(resolved);
  const ref = parseRef(v);
  if (!ref) return String(v);
  const target = resourceAt(stack, ref.address);
  const name = target?.attrs.name;
  return typeof name === "string" && !isToken(name) ? name : (target?.name ?? ref.address);
}

function stageVariable(value: string): string | undefined {
  return /\$?\$\{stageVariables\.([A-Za-z0-9_]+)\}/.exec(value)?.[1];
}

/** The Lambda function (and alias) an integration URI invokes. */
export function lambdaTargetOf(stack: StackJson, uri: unknown): LambdaTarget | undefined {
  if (typeof uri !== "string" || !/lambda:path|:function:|aws_lambda_/.test(uri)) return undefined;
  const aliasVariable = stageVariable(uri);
  const refs = [...uri.matchAll(/(?<!\$)\$\{(aws_lambda_(?:function|alias)\.[A-Za-z0-9_-]+)\.[a-z_]+\}/g)].map((m) => m[1]!);
  for (const address of refs) {
    const r = resourceAt(stack, address);
    if (!r) continue;
    if (r.type === "aws_lambda_alias") {
      const fnRef = parseRef(r.attrs.function_name);
      const fn = fnRef ? resourceAt(stack, fnRef.address) : undefined;
      return { function: fn ? display(stack, fn.attrs.function_name) : display(stack, r.attrs.function_name), alias: String(r.attrs.name) };
    }
    return { function: display(stack, r.attrs.function_name), ...(aliasVariable ? { aliasVariable } : {}) };
  }
  const m = /:function:([^:/$]+)(?::([^/]+))?\/invocations/.exec(uri);
  if (!m) return undefined;
  const qualifier = m[2];
  if (qualifier && stageVariable(qualifier)) return { function: m[1]!, aliasVariable: stageVariable(qualifier)! };
  return { function: m[1]!, ...(qualifier ? { alias: qualifier } : {}) };
}

/** `/items/{ID}` → the keys API Gateway may use for its method settings. */
function settingsKeys(path: string, method: string): string[] {
  const escaped = path.replace(/\//g, "~1");
  return [`${escaped}/${method}`, `${escaped.replace(/^~1/, "")}/${method}`];
}

function throttleOf(s: Record<string, unknown> | undefined, fallback?: Record<string, unknown>): Throttle {
  const rate = numOf(s?.throttling_rate_limit) ?? numOf(fallback?.throttling_rate_limit);
  const burst = numOf(s?.throttling_burst_limit) ?? numOf(fallback?.throttling_burst_limit);
  return { ...(rate !== undefined ? { rate } : {}), ...(burst !== undefined ? { burst } : {}) };
}

/** Paths of every resource of an API, by resource address; the root is `/`. */
function resourcePaths(stack: StackJson, api: TfResource): Map<string, string> {
  const resources = resourcesOfType(stack, "aws_api_gateway_resource").filter((r) => refersTo(r.attrs.rest_api_id, api.address));
  const paths = new Map<string, string>();
  const pathOf = (r: TfResource, depth = 0): string => {
    const known = paths.get(r.address);
    if (known) return known;
    const parent = parseRef(r.attrs.parent_id);
    let parentPath = "/";
    if (parent && parent.address.startsWith("aws_api_gateway_resource.") && depth < 50) {
      const p = resourceAt(stack, parent.address);
      if (p) parentPath = pathOf(p, depth + 1);
    }
    const path = `${parentPath === "/" ? "" : parentPath}/${String(r.attrs.path_part)}`;
    paths.set(r.address, path);
    return path;
  };
  for (const r of resources) pathOf(r);
  return paths;
}

function pathOfResourceId(paths: Map<string, string>, resourceId: unknown): string | undefined {
  const ref = parseRef(resourceId);
  if (ref?.attribute === "root_resource_id") return "/";
  if (ref) return paths.get(ref.address);
  return undefined;
}

function modelName(stack: StackJson, v: unknown): string {
  return display(stack, v);
}

/** Builds the model of every REST API in a stack. */
export function buildApiModels(stackName: string, stack: StackJson): ApiModel[] {
  return resourcesOfType(stack, "aws_api_gateway_rest_api").map((api) => buildApi(stackName, stack, api));
}

function buildApi(stackName: string, stack: StackJson, api: TfResource): ApiModel {
  const ofApi = (type: string) => resourcesOfType(stack, type).filter((r) => refersTo(r.attrs.rest_api_id, api.address));
  const paths = resourcePaths(stack, api);
  const stageResources = ofApi("aws_api_gateway_stage");
  const stageSettings = new Map(stageResources.map((s) => [String(s.attrs.stage_name), methodSettingsOf(stack, s)]));

  const stages: Stage[] = stageResources.map((s) => {
    const all = stageSettings.get(String(s.attrs.stage_name))?.get("*/*");
    const access = block(s.attrs.access_log_settings);
    return {
      name: String(s.attrs.stage_name),
      variables: Object.fromEntries(Object.entries((s.attrs.variables as Record<string, unknown>) ?? {}).map(([k, v]) => [k, String(v)])),
      cacheCluster: { enabled: s.attrs.cache_cluster_enabled === true, ...(s.attrs.cache_cluster_size !== undefined ? { size: String(s.attrs.cache_cluster_size) } : {}) },
      cacheEncrypted: all?.cache_data_encrypted === true,
      xray: s.attrs.xray_tracing_enabled === true,
      ...(access?.destination_arn ? { accessLogs: display(stack, access.destination_arn) } : {}),
      ...(all?.logging_level ? { loggingLevel: String(all.logging_level) } : {}),
      dataTrace: all?.data_trace_enabled === true,
      metrics: all?.metrics_enabled === true,
      throttle: throttleOf(all),
    };
  });

  const integrations = ofApi("aws_api_gateway_integration");
  const integrationResponses = ofApi("aws_api_gateway_integration_response");
  const methodResponses = ofApi("aws_api_gateway_method_response");
  const sameMethod = (r: TfResource, m: TfResource) =>
    String(r.attrs.resource_id) === String(m.attrs.resource_id) &&
    String(resolveValue(stack, r.attrs.http_method)) === String(m.attrs.http_method);

  const routes: Route[] = [];
  for (const m of ofApi("aws_api_gateway_method")) {
    const path = pathOfResourceId(paths, m.attrs.resource_id);
    if (path === undefined) continue;
    const method = String(m.attrs.http_method).toUpperCase();
    const authRef = parseRef(m.attrs.authorizer_id);
    const authR = authRef ? resourceAt(stack, authRef.address) : undefined;
    const validatorRef = parseRef(m.attrs.request_validator_id);
    const validatorR = validatorRef ? resourceAt(stack, validatorRef.address) : undefined;
    const i = integrations.find((x) => sameMethod(x, m));
    const integration: Integration | undefined = i && {
      type: String(i.attrs.type),
      ...(i.attrs.integration_http_method ? { httpMethod: String(i.attrs.integration_http_method) } : {}),
      ...(i.attrs.uri ? { uri: String(i.attrs.uri) } : {}),
      ...(lambdaTargetOf(stack, i.attrs.uri) ? { lambda: lambdaTargetOf(stack, i.attrs.uri)! } : {}),
      ...(i.attrs.passthrough_behavior ? { passthroughBehavior: String(i.attrs.passthrough_behavior) } : {}),
      requestTemplates: (i.attrs.request_templates as Record<string, string>) ?? {},
      cacheKeyParameters: strings(i.attrs.cache_key_parameters),
      ...(numOf(i.attrs.timeout_milliseconds) !== undefined ? { timeoutMs: numOf(i.attrs.timeout_milliseconds)! } : {}),
      responses: integrationResponses
        .filter((r) => sameMethod(r, m))
        .map((r) => ({
          statusCode: String(resolveValue(stack, r.attrs.status_code)),
          ...(r.attrs.selection_pattern !== undefined ? { selectionPattern: String(r.attrs.selection_pattern) } : {}),
          responseTemplates: (r.attrs.response_templates as Record<string, string>) ?? {},
          responseParameters: (r.attrs.response_parameters as Record<string, string>) ?? {},
        })),
    };
    const routeStages: Record<string, RouteStage> = {};
    for (const s of stages) {
      const settings = stageSettings.get(s.name);
      const all = settings?.get("*/*");
      const own = settingsKeys(path, method).map((k) => settings?.get(k)).find((x) => x !== undefined);
      const caching = s.cacheCluster.enabled && ((own?.caching_enabled ?? all?.caching_enabled) === true);
      const variable = integration?.lambda?.aliasVariable;
      const alias = integration?.lambda?.alias ?? (variable ? (s.variables[variable] ?? `\${stageVariables.${variable}} (unset)`) : undefined);
      routeStages[s.name] = {
        ...(alias ? { alias } : {}),
        caching,
        ...(caching ? { cacheTtl: numOf(own?.cache_ttl_in_seconds) ?? numOf(all?.cache_ttl_in_seconds) ?? 300 } : {}),
        throttle: throttleOf(own, all),
      };
    }
    routes.push({
      method,
      path,
      authorization: String(m.attrs.authorization ?? "NONE"),
      ...(authR
        ? {
            authorizer: {
              name: String(authR.attrs.name),
              type: String(authR.attrs.type ?? "TOKEN"),
              ...(numOf(authR.attrs.authorizer_result_ttl_in_seconds) !== undefined ? { ttl: numOf(authR.attrs.authorizer_result_ttl_in_seconds)! } : {}),
              providerArns: strings(authR.attrs.provider_arns),
              ...(authR.attrs.identity_source ? { identitySource: String(authR.attrs.identity_source) } : {}),
            },
          }
        : {}),
      apiKeyRequired: m.attrs.api_key_required === true,
      ...(integration ? { integration } : {}),
      validation: {
        body: validatorR?.attrs.validate_request_body === true,
        parameters: validatorR?.attrs.validate_request_parameters === true,
        ...(validatorR ? { validator: String(validatorR.attrs.name) } : {}),
      },
      requestModels: Object.fromEntries(Object.entries((m.attrs.request_models as Record<string, unknown>) ?? {}).map(([ct, v]) => [ct, modelName(stack, v)])),
      requestParameters: Object.fromEntries(Object.entries((m.attrs.request_parameters as Record<string, unknown>) ?? {}).map(([k, v]) => [k, v === true])),
      methodResponses: methodResponses
        .filter((r) => sameMethod(r, m))
        .map((r) => ({
          statusCode: String(resolveValue(stack, r.attrs.status_code)),
          models: Object.fromEntries(Object.entries((r.attrs.response_models as Record<string, unknown>) ?? {}).map(([ct, v]) => [ct, modelName(stack, v)])),
          headers: Object.keys((r.attrs.response_parameters as Record<string, unknown>) ?? {}),
        })),
      stages: routeStages,
    });
  }
  routes.sort((a, b) => (a.path === b.path ? a.method.localeCompare(b.method) : a.path.localeCompare(b.path)));

  const keysByAddress = new Map(resourcesOfType(stack, "aws_api_gateway_api_key").map((k) => [k.address, k]));
  const usagePlans: UsagePlan[] = resourcesOfType(stack, "aws_api_gateway_usage_plan")
    .filter((p) => blocks(p.attrs.api_stages).some((s) => refersTo(s.api_id, api.address)))
    .map((p) => {
      const t = block(p.attrs.throttle_settings);
      const q = block(p.attrs.quota_settings);
      return {
        name: String(p.attrs.name),
        stages: blocks(p.attrs.api_stages).map((s) => {
          const stageR = stageResources.find((st) => designatesStage(stack, s.api_id, s.stage, st));
          return {
            api: display(stack, s.api_id),
            stage: stageR ? String(stageR.attrs.stage_name) : display(stack, s.stage),
            methodThrottles: Object.fromEntries(blocks(s.throttle).map((x) => [String(x.path), throttleOf({ throttling_rate_limit: x.rate_limit, throttling_burst_limit: x.burst_limit })])),
          };
        }),
        ...(t ? { throttle: throttleOf({ throttling_rate_limit: t.rate_limit, throttling_burst_limit: t.burst_limit }) } : {}),
        ...(q ? { quota: { ...(numOf(q.limit) !== undefined ? { limit: numOf(q.limit)! } : {}), ...(q.period ? { period: String(q.period) } : {}), ...(numOf(q.offset) !== undefined ? { offset: numOf(q.offset)! } : {}) } } : {}),
        keys: resourcesOfType(stack, "aws_api_gateway_usage_plan_key")
          .filter((k) => refersTo(k.attrs.usage_plan_id, p.address))
          .map((k) => {
            const ref = parseRef(k.attrs.key_id);
            const key = ref ? keysByAddress.get(ref.address) : undefined;
            return key ? display(stack, key.attrs.name) : display(stack, k.attrs.key_id);
          })
          .sort(),
      };
    });
  const planKeys = new Set(usagePlans.flatMap((p) => p.keys));
  const apiKeys = [...keysByAddress.values()]
    .map((k) => ({ name: display(stack, k.attrs.name), enabled: k.attrs.enabled !== false }))
    .filter((k) => planKeys.has(k.name));

  return {
    stack: stackName,
    name: display(stack, api.attrs.name),
    address: api.address,
    ...(api.attrs.description ? { description: String(api.attrs.description) } : {}),
    endpointTypes: strings(block(api.attrs.endpoint_configuration)?.types),
    binaryMediaTypes: strings(api.attrs.binary_media_types),
    ...(api.attrs.api_key_source ? { apiKeySource: String(api.attrs.api_key_source) } : {}),
    routes,
    stages,
    usagePlans,
    apiKeys,
    models: ofApi("aws_api_gateway_model").map((md) => {
      let schema: unknown = md.attrs.schema;
      try {
        schema = typeof schema === "string" ? JSON.parse(schema) : schema;
      } catch {
        // keep the string: a schema built from an expression
      }
      return { name: display(stack, md.attrs.name), contentType: String(md.attrs.content_type ?? "application/json"), schema };
    }),
  };
}
