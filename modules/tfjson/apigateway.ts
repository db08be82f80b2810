/**
 * The API Gateway (REST, v1) view of synthesized stacks: each REST API with its resource
 * paths, methods (with their integration, integration responses and method responses),
 * stages (with their method settings and usage plans), and the usage plans and keys.
 *
 * Resources are joined by what their attributes resolve to, so the view works both with
 * the gateway's computed ids and with a review's unresolved `${...id}` expressions.
 */
import { block, blocks, type Json, type JsonObject } from "./json";
import { Resolver, resolverOf } from "./resolver";
import type { TfResource, TfStack } from "./stack";

export interface PathNode {
  /** The resolved id (`root_resource_id` for the root). */
  readonly id: string;
  /** The `aws_api_gateway_resource`; absent for the root. */
  readonly resource?: TfResource;
  readonly pathPart: string;
  /** `/items/{ID}`; `/` for the root. */
  readonly path: string;
  readonly parentId?: string;
}

export interface MethodView {
  readonly resource: TfResource;
  /** Upper case: `GET`, `ANY` */
  readonly httpMethod: string;
  readonly node: PathNode;
  readonly path: string;
  integration?: TfResource;
  readonly integrationResponses: TfResource[];
  readonly methodResponses: TfResource[];
}

export interface MethodSettingsView {
  readonly resource: TfResource;
  /** `*\/*`, `items/{ID}/GET` as written */
  readonly methodPath: string;
  /** The `settings` block, resolved. */
  readonly settings: JsonObject;
}

export interface StageView {
  readonly resource: TfResource;
  readonly name: string;
  readonly api: RestApiView;
  /** By method path. */
  readonly methodSettings: Map<string, MethodSettingsView>;
  readonly usagePlans: UsagePlanView[];
}

export interface UsagePlanStageView {
  /** The resolved `api_id` and `stage`. */
  readonly apiId: string;
  readonly stageName: string;
  readonly api?: RestApiView;
  readonly stage?: StageView;
  /** The `api_stages` block, resolved (per-method `throttle` blocks inside). */
  readonly block: JsonObject;
}

export interface UsagePlanView {
  readonly resource: TfResource;
  readonly id: string;
  readonly apiStages: UsagePlanStageView[];
  /** `aws_api_gateway_api_key`s attached by `aws_api_gateway_usage_plan_key` (resolved key ids that match no key are left out). */
  readonly keys: TfResource[];
  /** The `aws_api_gateway_usage_plan_key`s, resolved key ids included. */
  readonly planKeys: TfResource[];
}

export interface RestApiView {
  readonly resource: TfResource;
  readonly id: string;
  readonly root: PathNode;
  /** Every path node by id, the root included. */
  readonly nodes: Map<string, PathNode>;
  /** Sorted by path, then method. */
  readonly methods: MethodView[];
  readonly stages: StageView[];
  readonly models: TfResource[];
  readonly validators: TfResource[];
  readonly authorizers: TfResource[];
  readonly gatewayResponses: TfResource[];
  /** `aws_api_gateway_rest_api_policy` resources. */
  readonly policies: TfResource[];
  readonly deployments: TfResource[];
}

export interface ApiGatewayView {
  readonly resolver: Resolver;
  readonly apis: RestApiView[];
  readonly usagePlans: UsagePlanView[];
  readonly apiKeys: TfResource[];
  /** The API whose id a value resolves to. */
  apiOf(restApiId: unknown, stack: TfStack): RestApiView | undefined;
  /** The REST API view of an `aws_api_gateway_rest_api`. */
  viewOf(api: TfResource): RestApiView | undefined;
  /** The stage view of an `aws_api_gateway_stage`. */
  stageOf(stage: TfResource): StageView | undefined;
  /** A resource of any API Gateway type by resolved id (authorizers, validators, models ...). */
  byId(resource: TfResource["type"], id: unknown, stack: TfStack): TfResource | undefined;
}

function ofType(stacks: readonly TfStack[], type: string): TfResource[] {
  return stacks.flatMap((s) => s.ofType(type));
}

/** Builds the view over a set of stacks, joining resources with the resolver. */
export function buildApiGateway(resolver: Resolver, stacks: readonly TfStack[]): ApiGatewayView {
  const str = (r: TfResource, attr: string) => resolver.str(r, attr) ?? "";
  const apis: RestApiView[] = [];
  const apiById = new Map<string, RestApiView>();
  const apiByResource = new Map<TfResource, RestApiView>();
  for (const r of ofType(stacks, "aws_api_gateway_rest_api")) {
    const rootId = resolver.idOf(r, "root_resource_id");
    const root: PathNode = { id: rootId, pathPart: "", path: "/" };
    const api: RestApiView = {
      resource: r,
      id: resolver.idOf(r),
      root,
      nodes: new Map([[rootId, root]]),
      methods: [],
      stages: [],
      models: [],
      validators: [],
      authorizers: [],
      gatewayResponses: [],
      policies: [],
      deployments: [],
    };
    apis.push(api);
    apiById.set(`${r.stack}\n${api.id}`, api);
    apiByResource.set(r, api);
  }
  const apiOf = (restApiId: unknown, stack: TfStack): RestApiView | undefined => {
    const id = resolver.value(stack, restApiId as Json);
    return apiById.get(`${stack.name}\n${String(id)}`) ?? apis.find((a) => a.id === String(id));
  };
  const own = (r: TfResource) => apiOf(str(r, "rest_api_id"), resolver.stack(r.stack));
  const ids = new Map<string, TfResource>();
  const collect = (type: string, into: (api: RestApiView) => TfResource[]) => {
    for (const r of ofType(stacks, type)) {
      const api = own(r);
      if (api) into(api).push(r);
      ids.set(`${r.stack}\n${type}\n${resolver.idOf(r)}`, r);
    }
  };
  collect("aws_api_gateway_model", (a) => a.models);
  collect("aws_api_gateway_request_validator", (a) => a.validators);
  collect("aws_api_gateway_authorizer", (a) => a.authorizers);
  collect("aws_api_gateway_gateway_response", (a) => a.gatewayResponses);
  collect("aws_api_gateway_rest_api_policy", (a) => a.policies);
  collect("aws_api_gateway_deployment", (a) => a.deployments);

  // Resource tree: paths come from the resolver (`aws_api_gateway_resource.path`).
  for (const r of ofType(stacks, "aws_api_gateway_resource")) {
    const api = own(r);
    if (!api) continue;
    const id = resolver.idOf(r);
    api.nodes.set(id, { id, resource: r, pathPart: str(r, "path_part"), path: str(r, "path"), parentId: str(r, "parent_id") });
  }

  // Methods, then what hangs off them.
  const methodKey = (r: TfResource, api: RestApiView) => `${api.id}\n${str(r, "resource_id")}\n${str(r, "http_method").toUpperCase()}`;
  const methods = new Map<string, MethodView>();
  for (const r of ofType(stacks, "aws_api_gateway_method")) {
    const api = own(r);
    const node = api?.nodes.get(str(r, "resource_id"));
    if (!api || !node) continue;
    const m: MethodView = { resource: r, httpMethod: str(r, "http_method").toUpperCase(), node, path: node.path, integrationResponses: [], methodResponses: [] };
    api.methods.push(m);
    methods.set(methodKey(r, api), m);
  }
  const attach = (type: string, add: (m: MethodView, r: TfResource) => void) => {
    for (const r of ofType(stacks, type)) {
      const api = own(r);
      const m = api ? methods.get(methodKey(r, api)) : undefined;
      if (m) add(m, r);
    }
  };
  attach("aws_api_gateway_integration", (m, r) => (m.integration = r));
  attach("aws_api_gateway_integration_response", (m, r) => m.integrationResponses.push(r));
  attach("aws_api_gateway_method_response", (m, r) => m.methodResponses.push(r));
  for (const api of apis) api.methods.sort((a, b) => (a.path === b.path ? a.httpMethod.localeCompare(b.httpMethod) : a.path.localeCompare(b.path)));

  // Stages and their method settings.
  const stageByResource = new Map<TfResource, StageView>();
  for (const r of ofType(stacks, "aws_api_gateway_stage")) {
    const api = own(r);
    if (!api) continue;
    const stage: StageView = { resource: r, name: resolver.str(r, "stage_name") ?? r.name, api, methodSettings: new Map(), usagePlans: [] };
    api.stages.push(stage);
    stageByResource.set(r, stage);
  }
  for (const r of ofType(stacks, "aws_api_gateway_method_settings")) {
    const stage = own(r)?.stages.find((s) => s.name === str(r, "stage_name"));
    if (!stage) continue;
    const methodPath = resolver.str(r, "method_path") ?? "*/*";
    stage.methodSettings.set(methodPath, { resource: r, methodPath, settings: block(resolver.config(r).settings) ?? {} });
  }

  // Keys and usage plans.
  const apiKeys = ofType(stacks, "aws_api_gateway_api_key");
  const usagePlans: UsagePlanView[] = ofType(stacks, "aws_api_gateway_usage_plan").map((r) => {
    const stack = resolver.stack(r.stack);
    const apiStages = blocks(resolver.config(r).api_stages).map((b): UsagePlanStageView => {
      const apiId = String(b.api_id ?? "");
      const stageName = String(b.stage ?? "");
      const api = apiOf(apiId, stack);
      const stage = api?.stages.find((s) => s.name === stageName);
      return { apiId, stageName, ...(api ? { api } : {}), ...(stage ? { stage } : {}), block: b };
    });
    const id = resolver.idOf(r);
    const planKeys = ofType(stacks, "aws_api_gateway_usage_plan_key").filter((k) => k.stack === r.stack && str(k, "usage_plan_id") === id);
    const keys = planKeys.flatMap((k) => apiKeys.filter((key) => key.stack === k.stack && resolver.idOf(key) === str(k, "key_id")));
    const plan: UsagePlanView = { resource: r, id, apiStages, keys, planKeys };
    for (const s of apiStages) s.stage?.usagePlans.push(plan);
    return plan;
  });

  return {
    resolver,
    apis,
    usagePlans,
    apiKeys,
    apiOf,
    viewOf: (api) => apiByResource.get(api),
    stageOf: (stage) => stageByResource.get(stage),
    byId: (type, id, stack) => ids.get(`${stack.name}\n${type}\n${String(id)}`),
  };
}

const views = new WeakMap<TfStack, ApiGatewayView>();

/** The view of one stack with its default resolver (cached per stack): what policy rules and the review read. */
export function apiGateway(stack: TfStack): ApiGatewayView {
  let v = views.get(stack);
  if (!v) {
    v = buildApiGateway(resolverOf(stack), [stack]);
    views.set(stack, v);
  }
  return v;
}
