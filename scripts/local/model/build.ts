/**
 * Builds the gateway model of one environment from synthesized stacks.
 */
import { isAbsolute, join } from "node:path";
import { parseResourcePolicy, policyWarnings } from "../policy";
import { ACCOUNT_ID, listStacks, loadStack, Resolver, type Json, type JsonObject, type TfResource, type TfStack } from "./terraform";
import type {
  ApiKeyModel,
  ApiModel,
  AuthorizerModel,
  FunctionModel,
  GatewayModel,
  IntegrationResponseModel,
  MethodModel,
  MethodSettingsModel,
  PermissionModel,
  ResourceNode,
  StageModel,
  TableModel,
  ThrottleModel,
  UsagePlanModel,
} from "./types";

/** Stacks that never hold an API (shared infrastructure). */
const NON_API_PREFIXES = ["platform-", "state-bootstrap-"];

export interface StackSelection {
  readonly env: string;
  /** Stacks of this environment that the gateway serves. */
  readonly stacks: string[];
  /** Every stack of this environment (platform included), for cross-stack references. */
  readonly all: string[];
}

/** The environment names found in stack names `<service>-<env>`, in order of first appearance. */
export function environmentsOf(stackNames: readonly string[]): string[] {
  const fromVar = process.env.ENVIRONMENTS?.split(",").map((e) => e.trim()).filter(Boolean) ?? [];
  const found: string[] = [];
  for (const env of fromVar) if (stackNames.some((s) => s.endsWith(`-${env}`)) && !found.includes(env)) found.push(env);
  for (const s of stackNames) {
    const env = s.slice(s.lastIndexOf("-") + 1);
    if (s.includes("-") && !found.includes(env)) found.push(env);
  }
  return found;
}

export function selectStacks(outdir: string, env?: string): StackSelection {
  const names = listStacks(outdir);
  if (names.length === 0) throw new Error(`no synthesized stacks in ${outdir}: run the synth first`);
  const envs = environmentsOf(names);
  const chosen = env ?? envs[0];
  if (!chosen || !envs.includes(chosen)) throw new Error(`environment "${env}" has no stacks in ${outdir}; found: ${envs.join(", ")}`);
  const all = names.filter((s) => s.endsWith(`-${chosen}`));
  return { env: chosen, all, stacks: all.filter((s) => !NON_API_PREFIXES.some((p) => s.startsWith(p))) };
}

function byType(stacks: readonly TfStack[], type: string): TfResource[] {
  const out: TfResource[] = [];
  for (const s of stacks) for (const r of s.resources.values()) if (r.type === type) out.push(r);
  return out;
}

const str = (v: Json | undefined): string | undefined => (v === undefined || v === null ? undefined : typeof v === "string" ? v : String(v));
const num = (v: Json | undefined): number | undefined => (v === undefined || v === null || v === "" ? undefined : Number(v));
const bool = (v: Json | undefined): boolean | undefined => (v === undefined || v === null ? undefined : v === true || v === "true");
const strMap = (v: Json | undefined): Record<string, string> => {
  const out: Record<string, string> = {};
  if (v && typeof v === "object" && !Array.isArray(v)) for (const [k, x] of Object.entries(v)) if (x !== null) out[k] = typeof x === "string" ? x : JSON.stringify(x);
  return out;
};
const boolMap = (v: Json | undefined): Record<string, boolean> => {
  const out: Record<string, boolean> = {};
  if (v && typeof v === "object" && !Array.isArray(v)) for (const [k, x] of Object.entries(v)) out[k] = x === true || x === "true";
  return out;
};
const list = (v: Json | undefined): Json[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);
const block = (v: Json | undefined): JsonObject | undefined => {
  const first = Array.isArray(v) ? v[0] : v;
  return first && typeof first === "object" && !Array.isArray(first) ? first : undefined;
};

export interface BuildOptions {
  readonly outdir: string;
  readonly env?: string;
  readonly gatewayUrl: string;
}

export function buildModel(options: BuildOptions): GatewayModel {
  const selection = selectStacks(options.outdir, options.env);
  const stacks = selection.all.map((name) => loadStack(options.outdir, name));
  const resolver = new Resolver(stacks, { gatewayUrl: options.gatewayUrl });
  const served = stacks.filter((s) => selection.stacks.includes(s.name));
  const cfg = (r: TfResource) => resolver.config(r);

  // APIs
  const apis: ApiModel[] = [];
  const apiById = new Map<string, ApiModel>();
  for (const r of byType(served, "aws_api_gateway_rest_api")) {
    const c = cfg(r);
    const id = resolver.str(r, "id")!;
    const rootId = resolver.str(r, "root_resource_id")!;
    const root: ResourceNode = { id: rootId, pathPart: "", path: "/", children: [], methods: new Map() };
    const api: ApiModel = {
      stack: r.stack,
      resourceName: r.name,
      name: str(c.name) ?? r.name,
      id,
      region: resolver.stack(r.stack).region,
      binaryMediaTypes: list(c.binary_media_types).map((x) => String(x)),
      apiKeySource: str(c.api_key_source) ?? "HEADER",
      root,
      resources: new Map([[rootId, root]]),
      models: new Map(),
      validators: new Map(),
      authorizers: new Map(),
      gatewayResponses: new Map(),
      stages: new Map(),
    };
    apis.push(api);
    apiById.set(id, api);
  }
  const apiOf = (c: JsonObject) => apiById.get(str(c.rest_api_id) ?? "");
  const warnings: string[] = [];

  // Resource policies: the API's own policy argument, or an aws_api_gateway_rest_api_policy (which wins).
  const policyTexts = new Map<ApiModel, { text: string; where: string }>();
  for (const r of byType(served, "aws_api_gateway_rest_api")) {
    const text = str(cfg(r).policy);
    const api = apiById.get(resolver.str(r, "id")!);
    if (api && text !== undefined && text.trim() !== "") policyTexts.set(api, { text, where: `${r.stack}: ${r.address}.policy` });
  }
  for (const r of byType(served, "aws_api_gateway_rest_api_policy")) {
    const c = cfg(r);
    const api = apiOf(c);
    const text = str(c.policy);
    if (api && text !== undefined) policyTexts.set(api, { text, where: `${r.stack}: ${r.address}` });
  }
  for (const [api, { text, where }] of policyTexts) {
    try {
      api.policy = parseResourcePolicy(text, `arn:aws:execute-api:${api.region}:${ACCOUNT_ID}:${api.id}`);
    } catch (error) {
      throw new Error(`${where} is not a JSON policy document: ${(error as Error).message}`, { cause: error });
    }
    for (const w of policyWarnings(api.policy)) warnings.push(`${where}: ${w}`);
  }

  // Resource tree
  const pending = byType(served, "aws_api_gateway_resource").map((r) => ({ r, c: cfg(r), id: resolver.str(r, "id")! }));
  for (const { c, id } of pending) {
    const api = apiOf(c);
    if (api) api.resources.set(id, { id, pathPart: str(c.path_part) ?? "", path: "", children: [], methods: new Map() });
  }
  for (const { c, id } of pending) {
    const api = apiOf(c);
    if (!api) continue;
    const parent = api.resources.get(str(c.parent_id) ?? "");
    if (parent) parent.children.push(api.resources.get(id)!);
  }
  for (const api of apis) {
    const fill = (node: ResourceNode, prefix: string) => {
      for (const child of node.children) {
        child.path = `${prefix}/${child.pathPart}`;
        fill(child, child.path);
      }
    };
    fill(api.root, "");
  }

  // Methods, integrations, responses
  const methodOf = (c: JsonObject): MethodModel | undefined => apiOf(c)?.resources.get(str(c.resource_id) ?? "")?.methods.get(String(c.http_method).toUpperCase());
  for (const r of byType(served, "aws_api_gateway_method")) {
    const c = cfg(r);
    const resource = apiOf(c)?.resources.get(str(c.resource_id) ?? "");
    if (!resource) continue;
    const httpMethod = String(c.http_method).toUpperCase();
    resource.methods.set(httpMethod, {
      httpMethod,
      resource,
      authorization: str(c.authorization) ?? "NONE",
      authorizerId: str(c.authorizer_id),
      apiKeyRequired: bool(c.api_key_required) ?? false,
      requestParameters: boolMap(c.request_parameters),
      requestModels: strMap(c.request_models),
      validatorId: str(c.request_validator_id),
      responses: new Map(),
    });
  }
  for (const r of byType(served, "aws_api_gateway_integration")) {
    const c = cfg(r);
    const method = methodOf(c);
    if (!method) continue;
    const existing = method.integration?.responses ?? [];
    method.integration = {
      type: str(c.type) ?? "MOCK",
      uri: str(c.uri),
      httpMethod: str(c.integration_http_method),
      requestTemplates: strMap(c.request_templates),
      requestParameters: strMap(c.request_parameters),
      passthroughBehavior: str(c.passthrough_behavior) ?? "WHEN_NO_MATCH",
      contentHandling: str(c.content_handling),
      timeoutMs: num(c.timeout_milliseconds) ?? 29000,
      cacheKeyParameters: list(c.cache_key_parameters).map(String),
      responses: existing,
    };
  }
  const integrationResponses = new Map<MethodModel, IntegrationResponseModel[]>();
  for (const r of byType(served, "aws_api_gateway_integration_response")) {
    const c = cfg(r);
    const method = methodOf(c);
    if (!method) continue;
    const responses = integrationResponses.get(method) ?? [];
    responses.push({
      statusCode: str(c.status_code) ?? "200",
      selectionPattern: str(c.selection_pattern),
      responseTemplates: strMap(c.response_templates),
      responseParameters: strMap(c.response_parameters),
      contentHandling: str(c.content_handling),
    });
    integrationResponses.set(method, responses);
  }
  for (const [method, responses] of integrationResponses) {
    if (method.integration) method.integration.responses.push(...responses);
  }
  for (const r of byType(served, "aws_api_gateway_method_response")) {
    const c = cfg(r);
    const method = methodOf(c);
    if (!method) continue;
    const statusCode = str(c.status_code) ?? "200";
    method.responses.set(statusCode, { statusCode, responseParameters: boolMap(c.response_parameters) });
  }

  // Models, validators, authorizers, gateway responses
  for (const r of byType(served, "aws_api_gateway_model")) {
    const c = cfg(r);
    const api = apiOf(c);
    if (!api) continue;
    try {
      api.models.set(str(c.name) ?? r.name, JSON.parse(str(c.schema) ?? "{}"));
    } catch (error) {
      throw new Error(`${r.stack}: model ${r.name} has a schema that is not JSON: ${(error as Error).message}`, { cause: error });
    }
  }
  for (const r of byType(served, "aws_api_gateway_request_validator")) {
    const c = cfg(r);
    apiOf(c)?.validators.set(resolver.str(r, "id")!, { body: bool(c.validate_request_body) ?? false, params: bool(c.validate_request_parameters) ?? false });
  }
  for (const r of byType(served, "aws_api_gateway_authorizer")) {
    const c = cfg(r);
    const id = resolver.str(r, "id")!;
    const authorizer: AuthorizerModel = {
      id,
      name: str(c.name) ?? r.name,
      type: str(c.type) ?? "TOKEN",
      uri: str(c.authorizer_uri),
      identitySource: str(c.identity_source) ?? "method.request.header.Authorization",
      identityValidationExpression: str(c.identity_validation_expression),
      ttlSeconds: num(c.authorizer_result_ttl_in_seconds) ?? 300,
      providerArns: list(c.provider_arns).map(String),
    };
    apiOf(c)?.authorizers.set(id, authorizer);
  }
  for (const r of byType(served, "aws_api_gateway_gateway_response")) {
    const c = cfg(r);
    apiOf(c)?.gatewayResponses.set(str(c.response_type) ?? "DEFAULT_4XX", {
      statusCode: str(c.status_code),
      responseParameters: strMap(c.response_parameters),
      responseTemplates: strMap(c.response_templates),
    });
  }

  // Stages and method settings
  for (const r of byType(served, "aws_api_gateway_stage")) {
    const c = cfg(r);
    const api = apiOf(c);
    if (!api) continue;
    const name = str(c.stage_name) ?? r.name;
    const stage: StageModel = {
      name,
      variables: strMap(c.variables),
      cacheClusterEnabled: bool(c.cache_cluster_enabled) ?? false,
      accessLogFormat: str(block(c.access_log_settings)?.format),
      methodSettings: new Map(),
    };
    api.stages.set(name, stage);
  }
  for (const r of byType(served, "aws_api_gateway_method_settings")) {
    const c = cfg(r);
    const stage = apiOf(c)?.stages.get(str(c.stage_name) ?? "");
    const s = block(c.settings);
    if (!stage || !s) continue;
    const settings: MethodSettingsModel = {
      cachingEnabled: bool(s.caching_enabled),
      cacheTtlInSeconds: num(s.cache_ttl_in_seconds),
      requireAuthorizationForCacheControl: bool(s.require_authorization_for_cache_control),
      unauthorizedCacheControlHeaderStrategy: str(s.unauthorized_cache_control_header_strategy),
      throttlingRateLimit: num(s.throttling_rate_limit),
      throttlingBurstLimit: num(s.throttling_burst_limit),
    };
    stage.methodSettings.set(str(c.method_path) ?? "*/*", settings);
  }

  // Keys and usage plans
  const apiKeys: ApiKeyModel[] = byType(served, "aws_api_gateway_api_key").map((r) => {
    const c = cfg(r);
    return { id: resolver.str(r, "id")!, name: str(c.name) ?? r.name, value: resolver.str(r, "value")!, enabled: bool(c.enabled) ?? true };
  });
  const throttleOf = (b: JsonObject | undefined): ThrottleModel | undefined => {
    if (!b) return undefined;
    const rateLimit = num(b.rate_limit);
    const burstLimit = num(b.burst_limit);
    if (rateLimit === undefined && burstLimit === undefined) return undefined;
    return { rateLimit: rateLimit ?? Number.POSITIVE_INFINITY, burstLimit: burstLimit ?? Math.max(1, Math.ceil(rateLimit ?? 1)) };
  };
  const usagePlans: UsagePlanModel[] = byType(served, "aws_api_gateway_usage_plan").map((r) => {
    const c = cfg(r);
    const quota = block(c.quota_settings);
    return {
      id: resolver.str(r, "id")!,
      name: str(c.name) ?? r.name,
      apiStages: list(c.api_stages).map((x) => {
        const s = x as JsonObject;
        const throttle = new Map<string, ThrottleModel>();
        for (const t of list(s.throttle)) {
          const tt = t as JsonObject;
          const model = throttleOf(tt);
          if (model && tt.path) throttle.set(String(tt.path), model);
        }
        return { apiId: String(s.api_id), stage: String(s.stage), throttle };
      }),
      throttle: throttleOf(block(c.throttle_settings)),
      quota: quota && num(quota.limit) !== undefined ? { limit: num(quota.limit)!, period: str(quota.period) ?? "DAY", offset: num(quota.offset) ?? 0 } : undefined,
      keyIds: [],
    };
  });
  for (const r of byType(served, "aws_api_gateway_usage_plan_key")) {
    const c = cfg(r);
    usagePlans.find((p) => p.id === str(c.usage_plan_id))?.keyIds.push(String(c.key_id));
  }

  const permissions: PermissionModel[] = byType(served, "aws_lambda_permission").map((r) => {
    const c = cfg(r);
    return { functionName: String(c.function_name), qualifier: str(c.qualifier), principal: str(c.principal) ?? "", sourceArn: str(c.source_arn), action: str(c.action) ?? "lambda:InvokeFunction" };
  });

  // Functions and aliases
  const s3Objects = byType(stacks, "aws_s3_object").map((r) => ({ r, c: cfg(r) }));
  const functions: FunctionModel[] = byType(served, "aws_lambda_function").flatMap((r): FunctionModel[] => {
    const c = cfg(r);
    const stack = resolver.stack(r.stack);
    let zip = str(c.filename);
    if (!zip && c.s3_bucket !== undefined) {
      const obj = s3Objects.find(({ c: o }) => str(o.bucket) === str(c.s3_bucket) && str(o.key) === str(c.s3_key));
      zip = obj ? str(obj.c.source) : undefined;
      if (obj && zip && !isAbsolute(zip)) zip = join(resolver.stack(obj.r.stack).dir, zip);
    }
    if (!zip) {
      warnings.push(`${r.stack}: function ${r.name} has neither filename nor an aws_s3_object source; it cannot run locally`);
      return [];
    }
    const env = block(c.environment);
    const model: FunctionModel = {
      stack: r.stack,
      resourceName: r.name,
      functionName: resolver.str(r, "function_name") ?? r.name,
      arn: resolver.str(r, "arn")!,
      region: stack.region,
      zipPath: isAbsolute(zip) ? zip : join(stack.dir, zip),
      handler: str(c.handler) ?? "index.handler",
      runtime: str(c.runtime) ?? "nodejs22.x",
      timeoutSeconds: num(c.timeout) ?? 3,
      memoryMb: num(c.memory_size) ?? 128,
      environment: strMap(env?.variables),
      version: resolver.str(r, "version")!,
      aliases: new Map(),
    };
    return [model];
  });
  for (const r of byType(served, "aws_lambda_alias")) {
    const c = cfg(r);
    const ref = str(c.function_name) ?? "";
    const fn = functions.find((f) => f.functionName === ref || f.arn === ref);
    fn?.aliases.set(str(c.name) ?? r.name, str(c.function_version) ?? "$LATEST");
  }

  // Tables, buckets, identities, user pools
  const tables: TableModel[] = byType(served, "aws_dynamodb_table").map((r) => {
    const c = cfg(r);
    const name = str(c.name)!;
    return {
      name,
      hashKey: str(c.hash_key)!,
      rangeKey: str(c.range_key),
      attributes: list(c.attribute).map((a) => ({ name: String((a as JsonObject).name), type: String((a as JsonObject).type) })),
      globalSecondaryIndexes: list(c.global_secondary_index).map((g) => {
        const x = g as JsonObject;
        return { name: String(x.name), hashKey: String(x.hash_key), rangeKey: str(x.range_key), projectionType: str(x.projection_type) ?? "ALL", nonKeyAttributes: x.non_key_attributes ? list(x.non_key_attributes).map(String) : undefined };
      }),
      localSecondaryIndexes: list(c.local_secondary_index).map((g) => {
        const x = g as JsonObject;
        return { name: String(x.name), rangeKey: String(x.range_key), projectionType: str(x.projection_type) ?? "ALL", nonKeyAttributes: x.non_key_attributes ? list(x.non_key_attributes).map(String) : undefined };
      }),
      streamEnabled: bool(c.stream_enabled) ?? false,
      seeds: [],
    };
  });
  for (const r of byType(served, "aws_dynamodb_table_item")) {
    const c = cfg(r);
    const table = tables.find((t) => t.name === str(c.table_name));
    if (table) table.seeds.push(JSON.parse(str(c.item) ?? "{}") as Record<string, unknown>);
  }
  const buckets = byType(served, "aws_s3_bucket").map((r) => resolver.str(r, "bucket")!);
  const identities = [
    ...byType(served, "aws_ses_email_identity").map((r) => resolver.str(r, "email")!),
    ...byType(served, "aws_ses_domain_identity").map((r) => resolver.str(r, "domain")!),
  ];
  const userPoolClients = new Map<string, string[]>();
  for (const r of byType(stacks, "aws_cognito_user_pool")) userPoolClients.set(resolver.str(r, "arn")!, []);
  for (const r of byType(stacks, "aws_cognito_user_pool_client")) {
    const c = cfg(r);
    const pool = byType(stacks, "aws_cognito_user_pool").find((p) => resolver.str(p, "id") === str(c.user_pool_id));
    if (pool) userPoolClients.get(resolver.str(pool, "arn")!)?.push(resolver.str(r, "id")!);
  }

  return { env: selection.env, stacks: selection.stacks, apis, apiKeys, usagePlans, permissions, functions, tables, buckets, identities, userPoolClients, warnings };
}
