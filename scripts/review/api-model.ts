/**
 * The API-level view of a synthesized stack, rebuilt from `cdk.tf.json` alone: REST APIs,
 * their routes (paths rebuilt by walking `aws_api_gateway_resource` parents), stages with
 * their variables and method settings, usage plans and keys. Pure: the review report, the
 * OpenAPI documents and the API diff are all computed from this model.
 */
import {
  apiGateway,
  asStack,
  block,
  blocks,
  isToken,
  num as numOf,
  parseRef,
  strings,
  strMap,
  type MethodView,
  type RestApiView,
  type StackJson,
  type TfResource,
  type TfStack,
} from "../../modules/tfjson";

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

/** A readable name for a value: the literal, or the Terraform name of the resource an expression points to. */
function display(stack: TfStack, v: unknown): string {
  const resolved = stack.resolve(v);
  if (!isToken(resolved)) return String(resolved);
  const ref = parseRef(v);
  if (!ref) return String(v);
  const target = stack.at(ref.address);
  const name = target?.attrs.name;
  return typeof name === "string" && !isToken(name) ? name : (target?.name ?? ref.address);
}

function stageVariable(value: string): string | undefined {
  return /\$?\$\{stageVariables\.([A-Za-z0-9_]+)\}/.exec(value)?.[1];
}

/** The Lambda function (and alias) an integration URI invokes. */
export function lambdaTargetOf(json: StackJson | TfStack, uri: unknown): LambdaTarget | undefined {
  const stack = asStack(json);
  if (typeof uri !== "string" || !/lambda:path|:function:|aws_lambda_/.test(uri)) return undefined;
  const aliasVariable = stageVariable(uri);
  const refs = [...uri.matchAll(/(?<!\$)\$\{(aws_lambda_(?:function|alias)\.[A-Za-z0-9_-]+)\.[a-z_]+\}/g)].map((m) => m[1]!);
  for (const address of refs) {
    const r = stack.at(address);
    if (!r) continue;
    if (r.type === "aws_lambda_alias") {
      const fnRef = parseRef(r.attrs.function_name);
      const fn = fnRef ? stack.at(fnRef.address) : undefined;
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

const namesOf = (stack: TfStack, v: unknown) => Object.fromEntries(Object.entries((v as Record<string, unknown>) ?? {}).map(([ct, x]) => [ct, display(stack, x)]));

/** Builds the model of every REST API in a stack. */
export function buildApiModels(stackName: string, json: StackJson | TfStack): ApiModel[] {
  const stack = asStack(json, stackName);
  return apiGateway(stack).apis.map((api) => buildApi(stackName, stack, api));
}

function integrationOf(stack: TfStack, m: MethodView): Integration | undefined {
  const i = m.integration;
  if (!i) return undefined;
  const lambda = lambdaTargetOf(stack, i.attrs.uri);
  return {
    type: String(i.attrs.type),
    ...(i.attrs.integration_http_method ? { httpMethod: String(i.attrs.integration_http_method) } : {}),
    ...(i.attrs.uri ? { uri: String(i.attrs.uri) } : {}),
    ...(lambda ? { lambda } : {}),
    ...(i.attrs.passthrough_behavior ? { passthroughBehavior: String(i.attrs.passthrough_behavior) } : {}),
    requestTemplates: strMap(i.attrs.request_templates),
    cacheKeyParameters: strings(i.attrs.cache_key_parameters),
    ...(numOf(i.attrs.timeout_milliseconds) !== undefined ? { timeoutMs: numOf(i.attrs.timeout_milliseconds)! } : {}),
    responses: m.integrationResponses.map((r) => ({
      statusCode: String(stack.resolve(r.attrs.status_code)),
      ...(r.attrs.selection_pattern !== undefined ? { selectionPattern: String(r.attrs.selection_pattern) } : {}),
      responseTemplates: strMap(r.attrs.response_templates),
      responseParameters: strMap(r.attrs.response_parameters),
    })),
  };
}

function authorizerOf(stack: TfStack, m: TfResource): Route["authorizer"] | undefined {
  const ref = parseRef(m.attrs.authorizer_id);
  const a = ref ? stack.at(ref.address) : undefined;
  if (!a) return undefined;
  const ttl = numOf(a.attrs.authorizer_result_ttl_in_seconds);
  return {
    name: String(a.attrs.name),
    type: String(a.attrs.type ?? "TOKEN"),
    ...(ttl !== undefined ? { ttl } : {}),
    providerArns: strings(a.attrs.provider_arns),
    ...(a.attrs.identity_source ? { identitySource: String(a.attrs.identity_source) } : {}),
  };
}

function buildApi(stackName: string, stack: TfStack, view: RestApiView): ApiModel {
  const api = view.resource;
  const stages: Stage[] = view.stages.map((sv) => {
    const s = sv.resource;
    const all = sv.methodSettings.get("*/*")?.settings;
    const access = block(s.attrs.access_log_settings);
    return {
      name: sv.name,
      variables: strMap(s.attrs.variables),
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

  const routes: Route[] = view.methods.map((mv) => {
    const m = mv.resource;
    const { path, httpMethod: method } = mv;
    const validatorRef = parseRef(m.attrs.request_validator_id);
    const validatorR = validatorRef ? stack.at(validatorRef.address) : undefined;
    const integration = integrationOf(stack, mv);
    const authorizer = authorizerOf(stack, m);
    const routeStages: Record<string, RouteStage> = {};
    for (const sv of view.stages) {
      const s = stages.find((x) => x.name === sv.name)!;
      const settings = (k: string) => sv.methodSettings.get(k)?.settings;
      const all = settings("*/*");
      const own = settingsKeys(path, method).map(settings).find((x) => x !== undefined);
      const caching = s.cacheCluster.enabled && (own?.caching_enabled ?? all?.caching_enabled) === true;
      const variable = integration?.lambda?.aliasVariable;
      const alias = integration?.lambda?.alias ?? (variable ? (s.variables[variable] ?? `\${stageVariables.${variable}} (unset)`) : undefined);
      routeStages[s.name] = {
        ...(alias ? { alias } : {}),
        caching,
        ...(caching ? { cacheTtl: numOf(own?.cache_ttl_in_seconds) ?? numOf(all?.cache_ttl_in_seconds) ?? 300 } : {}),
        throttle: throttleOf(own, all),
      };
    }
    return {
      method,
      path,
      authorization: String(m.attrs.authorization ?? "NONE"),
      ...(authorizer ? { authorizer } : {}),
      apiKeyRequired: m.attrs.api_key_required === true,
      ...(integration ? { integration } : {}),
      validation: {
        body: validatorR?.attrs.validate_request_body === true,
        parameters: validatorR?.attrs.validate_request_parameters === true,
        ...(validatorR ? { validator: String(validatorR.attrs.name) } : {}),
      },
      requestModels: namesOf(stack, m.attrs.request_models),
      requestParameters: Object.fromEntries(Object.entries((m.attrs.request_parameters as Record<string, unknown>) ?? {}).map(([k, v]) => [k, v === true])),
      methodResponses: mv.methodResponses.map((r) => ({
        statusCode: String(stack.resolve(r.attrs.status_code)),
        models: namesOf(stack, r.attrs.response_models),
        headers: Object.keys((r.attrs.response_parameters as Record<string, unknown>) ?? {}),
      })),
      stages: routeStages,
    };
  });

  const plans = apiGateway(stack).usagePlans.filter((p) => p.apiStages.some((s) => s.api === view));
  const usagePlans: UsagePlan[] = plans.map((pv) => {
    const p = pv.resource;
    const t = block(p.attrs.throttle_settings);
    const q = block(p.attrs.quota_settings);
    const limits = (x: Record<string, unknown>) => throttleOf({ throttling_rate_limit: x.rate_limit, throttling_burst_limit: x.burst_limit });
    return {
      name: String(p.attrs.name),
      stages: pv.apiStages.map((s) => {
        const raw = blocks(p.attrs.api_stages)[pv.apiStages.indexOf(s)] ?? {};
        return {
          api: display(stack, raw.api_id),
          stage: s.stage?.name ?? display(stack, raw.stage),
          methodThrottles: Object.fromEntries(blocks(s.block.throttle).map((x) => [String(x.path), limits(x)])),
        };
      }),
      ...(t ? { throttle: limits(t) } : {}),
      ...(q ? { quota: { ...(numOf(q.limit) !== undefined ? { limit: numOf(q.limit)! } : {}), ...(q.period ? { period: String(q.period) } : {}), ...(numOf(q.offset) !== undefined ? { offset: numOf(q.offset)! } : {}) } } : {}),
      keys: pv.planKeys
        .map((k) => {
          const key = stack.at(parseRef(k.attrs.key_id)?.address ?? "");
          return key ? display(stack, key.attrs.name) : display(stack, k.attrs.key_id);
        })
        .sort(),
    };
  });
  const planKeys = new Set(usagePlans.flatMap((p) => p.keys));
  const apiKeys = stack
    .ofType("aws_api_gateway_api_key")
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
    models: view.models.map((md) => {
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
