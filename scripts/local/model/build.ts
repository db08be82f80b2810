/**
 * Builds the gateway model of one environment from synthesized stacks.
 */
import { isAbsolute, join } from "node:path";
import { parseResourcePolicy, policyWarnings } from "../policy";
import {
  block,
  bool,
  boolMap,
  buildApiGateway,
  listStacks,
  loadStack,
  num,
  Resolver,
  str as strOf,
  strMap,
  type Json,
  type JsonObject,
  type TfResource,
  type TfStack,
} from "../../../modules/tfjson";
import { unknownModelReferences } from "../validation";
import { ACCOUNT_ID, localComputed, regionOf } from "./computed";
import { tableModelOf } from "./tables";
import { userPoolsOf } from "./user-pools";
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
  return stacks.flatMap((s) => [...s.ofType(type)]);
}

const str = (v: Json | undefined): string | undefined => strOf(v);
const list = (v: Json | undefined): Json[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);

export interface BuildOptions {
  readonly outdir: string;
  readonly env?: string;
  readonly gatewayUrl: string;
}

export function buildModel(options: BuildOptions): GatewayModel {
  const selection = selectStacks(options.outdir, options.env);
  const stacks = selection.all.map((name) => loadStack(options.outdir, name));
  const resolver = new Resolver(stacks, { computed: localComputed(options.gatewayUrl) });
  const served = stacks.filter((s) => selection.stacks.includes(s.name));
  const cfg = (r: TfResource) => resolver.config(r);
  const view = buildApiGateway(resolver, served);
  const warnings: string[] = [];

  const apis: ApiModel[] = view.apis.map((v) => {
    const r = v.resource;
    const c = cfg(r);
    const nodes = new Map<string, ResourceNode>();
    for (const n of v.nodes.values()) nodes.set(n.id, { id: n.id, pathPart: n.pathPart, path: n.path, children: [], methods: new Map() });
    for (const n of v.nodes.values()) if (n.parentId !== undefined) nodes.get(n.parentId)?.children.push(nodes.get(n.id)!);
    const api: ApiModel = {
      stack: r.stack,
      resourceName: r.name,
      name: str(c.name) ?? r.name,
      id: v.id,
      region: regionOf(resolver, r),
      binaryMediaTypes: list(c.binary_media_types).map((x) => String(x)),
      apiKeySource: str(c.api_key_source) ?? "HEADER",
      root: nodes.get(v.root.id)!,
      resources: nodes,
      models: new Map(),
      validators: new Map(),
      authorizers: new Map(),
      gatewayResponses: new Map(),
      stages: new Map(),
    };

    // Resource policy: the API's own policy argument, or an aws_api_gateway_rest_api_policy (which wins).
    let policy: { text: string; where: string } | undefined;
    const own = str(c.policy);
    if (own !== undefined && own.trim() !== "") policy = { text: own, where: `${r.stack}: ${r.address}.policy` };
    for (const p of v.policies) {
      const text = str(cfg(p).policy);
      if (text !== undefined) policy = { text, where: `${p.stack}: ${p.address}` };
    }
    if (policy) {
      try {
        api.policy = parseResourcePolicy(policy.text, `arn:aws:execute-api:${api.region}:${ACCOUNT_ID}:${api.id}`);
      } catch (error) {
        throw new Error(`${policy.where} is not a JSON policy document: ${(error as Error).message}`, { cause: error });
      }
      for (const w of policyWarnings(api.policy)) warnings.push(`${policy.where}: ${w}`);
    }

    // Methods, integrations, responses
    for (const m of v.methods) {
      const mc = cfg(m.resource);
      const resource = nodes.get(m.node.id)!;
      const method: MethodModel = {
        httpMethod: m.httpMethod,
        resource,
        authorization: str(mc.authorization) ?? "NONE",
        authorizerId: str(mc.authorizer_id),
        apiKeyRequired: bool(mc.api_key_required) ?? false,
        requestParameters: boolMap(mc.request_parameters),
        requestModels: strMap(mc.request_models),
        validatorId: str(mc.request_validator_id),
        responses: new Map(),
      };
      resource.methods.set(m.httpMethod, method);
      if (m.integration) {
        const ic = cfg(m.integration);
        method.integration = {
          type: str(ic.type) ?? "MOCK",
          uri: str(ic.uri),
          httpMethod: str(ic.integration_http_method),
          requestTemplates: strMap(ic.request_templates),
          requestParameters: strMap(ic.request_parameters),
          passthroughBehavior: str(ic.passthrough_behavior) ?? "WHEN_NO_MATCH",
          contentHandling: str(ic.content_handling),
          timeoutMs: num(ic.timeout_milliseconds) ?? 29000,
          cacheKeyParameters: list(ic.cache_key_parameters).map(String),
          responses: m.integrationResponses.map((x): IntegrationResponseModel => {
            const rc = cfg(x);
            return {
              statusCode: str(rc.status_code) ?? "200",
              selectionPattern: str(rc.selection_pattern),
              responseTemplates: strMap(rc.response_templates),
              responseParameters: strMap(rc.response_parameters),
              contentHandling: str(rc.content_handling),
            };
          }),
        };
      }
      for (const x of m.methodResponses) {
        const rc = cfg(x);
        const statusCode = str(rc.status_code) ?? "200";
        method.responses.set(statusCode, { statusCode, responseParameters: boolMap(rc.response_parameters) });
      }
    }

    // Models, validators, authorizers, gateway responses
    for (const m of v.models) {
      const mc = cfg(m);
      try {
        api.models.set(str(mc.name) ?? m.name, JSON.parse(str(mc.schema) ?? "{}"));
      } catch (error) {
        throw new Error(`${m.stack}: model ${m.name} has a schema that is not JSON: ${(error as Error).message}`, { cause: error });
      }
    }
    const unknown = unknownModelReferences(api);
    if (unknown.length > 0) throw new Error(`${r.stack}: API ${api.name} has models that refer to models it does not have (API Gateway refuses to create such a model): ${unknown.join("; ")}`);
    for (const x of v.validators) {
      const xc = cfg(x);
      api.validators.set(resolver.idOf(x), { body: bool(xc.validate_request_body) ?? false, params: bool(xc.validate_request_parameters) ?? false });
    }
    for (const x of v.authorizers) {
      const xc = cfg(x);
      const id = resolver.idOf(x);
      const authorizer: AuthorizerModel = {
        id,
        name: str(xc.name) ?? x.name,
        type: str(xc.type) ?? "TOKEN",
        uri: str(xc.authorizer_uri),
        identitySource: str(xc.identity_source) ?? "method.request.header.Authorization",
        identityValidationExpression: str(xc.identity_validation_expression),
        ttlSeconds: num(xc.authorizer_result_ttl_in_seconds) ?? 300,
        providerArns: list(xc.provider_arns).map(String),
      };
      api.authorizers.set(id, authorizer);
    }
    for (const x of v.gatewayResponses) {
      const xc = cfg(x);
      api.gatewayResponses.set(str(xc.response_type) ?? "DEFAULT_4XX", {
        statusCode: str(xc.status_code),
        responseParameters: strMap(xc.response_parameters),
        responseTemplates: strMap(xc.response_templates),
      });
    }

    // Stages and method settings
    for (const sv of v.stages) {
      const sc = cfg(sv.resource);
      const stage: StageModel = {
        name: sv.name,
        variables: strMap(sc.variables),
        cacheClusterEnabled: bool(sc.cache_cluster_enabled) ?? false,
        accessLogFormat: str(block(sc.access_log_settings)?.format),
        methodSettings: new Map(),
      };
      for (const [path, { settings: x }] of sv.methodSettings) {
        const settings: MethodSettingsModel = {
          cachingEnabled: bool(x.caching_enabled),
          cacheTtlInSeconds: num(x.cache_ttl_in_seconds),
          requireAuthorizationForCacheControl: bool(x.require_authorization_for_cache_control),
          unauthorizedCacheControlHeaderStrategy: str(x.unauthorized_cache_control_header_strategy),
          throttlingRateLimit: num(x.throttling_rate_limit),
          throttlingBurstLimit: num(x.throttling_burst_limit),
        };
        stage.methodSettings.set(path, settings);
      }
      api.stages.set(sv.name, stage);
    }
    return api;
  });

  // Keys and usage plans
  const apiKeys: ApiKeyModel[] = view.apiKeys.map((r) => {
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
  const usagePlans: UsagePlanModel[] = view.usagePlans.map((p) => {
    const c = cfg(p.resource);
    const quota = block(c.quota_settings);
    return {
      id: p.id,
      name: str(c.name) ?? p.resource.name,
      apiStages: p.apiStages.map((s) => {
        const throttle = new Map<string, ThrottleModel>();
        for (const t of list(s.block.throttle)) {
          const tt = t as JsonObject;
          const model = throttleOf(tt);
          if (model && tt.path) throttle.set(String(tt.path), model);
        }
        return { apiId: s.apiId, stage: s.stageName, throttle };
      }),
      throttle: throttleOf(block(c.throttle_settings)),
      quota: quota && num(quota.limit) !== undefined ? { limit: num(quota.limit)!, period: str(quota.period) ?? "DAY", offset: num(quota.offset) ?? 0 } : undefined,
      keyIds: p.planKeys.map((k) => String(cfg(k).key_id)),
    };
  });

  const permissions: PermissionModel[] = byType(served, "aws_lambda_permission").map((r) => {
    const c = cfg(r);
    return { functionName: String(c.function_name), qualifier: str(c.qualifier), principal: str(c.principal) ?? "", sourceArn: str(c.source_arn), action: str(c.action) ?? "lambda:InvokeFunction" };
  });

  // Functions and aliases
  const s3Objects = byType(stacks, "aws_s3_object").map((r) => ({ r, c: cfg(r) }));
  // Inline role policies by the ARN of their role (`role` names the role by id, name or ARN).
  const rolePolicies = byType(stacks, "aws_iam_role_policy").map((r) => {
    const ref = /^\$\{aws_iam_role\.([^.]+)\.(?:id|name|arn)\}$/.exec(String(r.attrs.role ?? ""));
    const role = ref ? resolver.stack(r.stack).resources.get(`aws_iam_role.${ref[1]}`) : undefined;
    return { role: role ? resolver.str(role, "arn") : resolver.str(r, "role"), policy: resolver.str(r, "policy") };
  });
  const functions: FunctionModel[] = byType(served, "aws_lambda_function").flatMap((r): FunctionModel[] => {
    const c = cfg(r);
    const stack = resolver.stack(r.stack);
    const dir = stack.dir ?? ".";
    let zip = str(c.filename);
    if (!zip && c.s3_bucket !== undefined) {
      const obj = s3Objects.find(({ c: o }) => str(o.bucket) === str(c.s3_bucket) && str(o.key) === str(c.s3_key));
      zip = obj ? str(obj.c.source) : undefined;
      if (obj && zip && !isAbsolute(zip)) zip = join(resolver.stack(obj.r.stack).dir ?? ".", zip);
    }
    if (!zip) {
      warnings.push(`${r.stack}: function ${r.name} has neither filename nor an aws_s3_object source; it cannot run locally`);
      return [];
    }
    const env = block(c.environment);
    const roleArn = resolver.str(r, "role");
    const roleName = roleArn?.replace(/^arn:aws[\w-]*:iam::\d+:role\/(?:.*\/)?/, "");
    const model: FunctionModel = {
      stack: r.stack,
      resourceName: r.name,
      functionName: resolver.str(r, "function_name") ?? r.name,
      arn: resolver.str(r, "arn")!,
      region: regionOf(resolver, r),
      zipPath: isAbsolute(zip) ? zip : join(dir, zip),
      handler: str(c.handler) ?? "index.handler",
      runtime: str(c.runtime) ?? "nodejs22.x",
      timeoutSeconds: num(c.timeout) ?? 3,
      memoryMb: num(c.memory_size) ?? 128,
      environment: strMap(env?.variables),
      version: resolver.str(r, "version")!,
      aliases: new Map(),
      roleArn,
      rolePolicies: rolePolicies.filter((p) => p.policy !== undefined && (p.role === roleName || p.role === roleArn)).map((p) => p.policy!),
    };
    return [model];
  });
  for (const r of byType(served, "aws_lambda_function_event_invoke_config")) {
    const c = cfg(r);
    const ref = resolver.str(r, "function_name") ?? "";
    const fn = functions.find((f) => f.functionName === ref || f.arn === ref);
    const onFailure = block(block(c.destination_config)?.on_failure);
    if (fn) {
      Object.assign(fn, {
        asyncInvoke: {
          maximumRetryAttempts: num(c.maximum_retry_attempts) ?? 2,
          maximumEventAgeSeconds: num(c.maximum_event_age_in_seconds) ?? 21_600,
          onFailure: onFailure ? resolver.value(resolver.stack(r.stack), onFailure.destination) : undefined,
        },
      });
    }
  }
  for (const r of byType(served, "aws_lambda_alias")) {
    const c = cfg(r);
    const ref = str(c.function_name) ?? "";
    const fn = functions.find((f) => f.functionName === ref || f.arn === ref);
    fn?.aliases.set(str(c.name) ?? r.name, str(c.function_version) ?? "$LATEST");
  }

  // Tables, buckets, identities, user pools
  const tables: TableModel[] = byType(served, "aws_dynamodb_table").map((r) => tableModelOf(cfg(r)));
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
  const { userPoolClients, appClients } = userPoolsOf(stacks, resolver);

  return { env: selection.env, stacks: selection.stacks, apis, apiKeys, usagePlans, permissions, functions, tables, buckets, identities, userPoolClients, appClients, warnings };
}
