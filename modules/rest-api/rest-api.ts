/**
 * RestApi: a typed description of an API Gateway REST (v1) API that becomes its Terraform.
 *
 * Routes, models, authorizers, keys, usage plans and gateway responses are declared with
 * `add*` calls; the resource tree, methods, integrations, CORS preflights, validators,
 * permissions, method settings and the deployment trigger are built once, when the stack
 * is prepared for synthesis (`beforePrepare`, so that references to other stacks in them become
 * remote-state reads; an aspect under `Testing.synth`), so that every route is known first. Cross-cutting checks
 * (an API-key route on a stage no usage plan covers, a usage-plan throttle for an unknown
 * route) throw a PropError at that point; everything else throws from the `add*` call.
 *
 * This file is the facade: each concept lives in its own file (stage.ts, route.ts,
 * resource-tree.ts, method.ts, integrations/<type>.ts, authorizer.ts, usage-plan.ts,
 * model.ts, permissions.ts, deployment.ts, gateway-response.ts, domain-name.ts, cors.ts).
 */
import type { ApiGatewayDeployment } from "@cdktf/provider-aws/lib/api-gateway-deployment";
import { ApiGatewayRestApi } from "@cdktf/provider-aws/lib/api-gateway-rest-api";
import type { ApiGatewayStage } from "@cdktf/provider-aws/lib/api-gateway-stage";
import type { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { Aspects, TerraformOutput, TerraformStack, type ITerraformDependable } from "cdktf";
import { Construct, type IConstruct } from "constructs";
import { isResolved, PropError } from "../core/errors";
import { beforePrepare } from "../core/before-prepare";
import { ServiceStack } from "../core/service-stack";
import { Authorizers } from "./authorizer";
import { renderPreflight, resolveCors, type ResolvedCors } from "./cors";
import { finishDeployment, redeploymentInputs, renderDeployment } from "./deployment";
import { checkDomainName, renderDomainName } from "./domain-name";
import { GatewayResponses } from "./gateway-response";
import { deploymentHash } from "./hash";
import { renderIntegration } from "./integrations/registry";
import { renderResponses } from "./integrations/responses";
import { renderMethod, Validators } from "./method";
import { Models } from "./model";
import { parseRoute } from "./paths";
import type {
  ApiKey,
  ApiKeyOptions,
  Authorizer,
  DomainName,
  DomainNameOptions,
  GatewayResponseOptions,
  GatewayResponseType,
  Model,
  ModelOptions,
  RestApiProps,
  RouteOptions,
  UsagePlan,
  UsagePlanOptions,
} from "./props";
import { renderResourceTree } from "./resource-tree";
import { corsFor, defineRoute } from "./route";
import { routeTable, type RouteRow } from "./route-table";
import { effectiveStage, renderStage, renderStageSettings, resolveStage, type StageResources } from "./stage";
import { terraformLiteral } from "./terraform-text";
import type { ApiDefinition, AuthorizerOptions, ResolvedStage, RouteDefinition } from "./types";
import { UsagePlans } from "./usage-plan";

export { resolveThrottle } from "./limits";
export { modelRef } from "./model";
export { statementId } from "./permissions";
export { terraformLiteral } from "./terraform-text";

export class RestApi extends Construct {
  readonly api: ApiGatewayRestApi;
  readonly deployment: ApiGatewayDeployment;
  /** Stage resources by name. */
  readonly stages: Readonly<Record<string, ApiGatewayStage>>;
  /** Access log groups by stage name (stages with access logs only). */
  readonly accessLogGroups: Readonly<Record<string, CloudwatchLogGroup>>;
  /**
   * Execution log groups by stage name (stages with execution logging only), created ahead
   * of API Gateway so that they carry the retention instead of keeping logs forever.
   */
  readonly executionLogGroups: Readonly<Record<string, CloudwatchLogGroup>>;
  /** The API's physical name. */
  readonly apiName: string;

  private readonly props: RestApiProps;
  private readonly cors?: ResolvedCors;
  private readonly stageDefs = new Map<string, ResolvedStage>();
  private readonly stageResources = new Map<string, StageResources>();
  private readonly routes = new Map<string, RouteDefinition>();
  private readonly models: Models;
  private readonly authorizers: Authorizers;
  private readonly usagePlans: UsagePlans;
  private readonly gatewayResponses: GatewayResponses;
  private readonly policyText?: string;
  private built = false;

  constructor(scope: Construct, id: string, props: RestApiProps = {}) {
    super(scope, id);
    this.props = props;
    const stack = TerraformStack.of(this);
    const serviceStack = stack instanceof ServiceStack ? stack : undefined;
    const physical = (n: string) => (serviceStack ? serviceStack.physicalName(n) : n);
    this.apiName = props.name ?? physical(id);
    const where = this.node.path;

    const endpointType = props.endpointType ?? "REGIONAL";
    if (!["REGIONAL", "EDGE", "PRIVATE"].includes(endpointType)) {
      throw new PropError(where, "endpointType", endpointType, 'use "REGIONAL", "EDGE" or "PRIVATE".');
    }
    if (props.vpcEndpointIds && props.vpcEndpointIds.length > 0 && endpointType !== "PRIVATE") {
      throw new PropError(where, "vpcEndpointIds", props.vpcEndpointIds, 'VPC endpoints apply to PRIVATE APIs only: set endpointType: "PRIVATE" or drop them.');
    }
    const mcs = props.minimumCompressionSize;
    if (mcs !== undefined && isResolved(mcs) && (!Number.isInteger(mcs) || mcs < 0 || mcs > 10485760)) {
      throw new PropError(where, "minimumCompressionSize", mcs, "use a whole number of bytes from 0 to 10485760.");
    }
    for (const t of props.binaryMediaTypes ?? []) {
      if (isResolved(t) && !/^[A-Za-z0-9*.+-]+\/[A-Za-z0-9*.+-]+$/.test(t)) {
        throw new PropError(where, "binaryMediaTypes", t, 'write a media type as type/subtype, e.g. "image/png" or "image/*".');
      }
    }
    if (props.cors) this.cors = resolveCors(props.cors, where);
    this.policyText =
      props.policy === undefined
        ? undefined
        : terraformLiteral(typeof props.policy === "string" ? props.policy : JSON.stringify(props.policy));
    const retention = props.logRetentionDays ?? serviceStack?.env.logRetentionDays ?? 14;

    const stageInputs = props.stages ?? { prod: {} };
    if (Object.keys(stageInputs).length === 0) {
      throw new PropError(where, "stages", stageInputs, 'declare at least one stage, e.g. { prod: {} }.');
    }
    for (const [name, options] of Object.entries(stageInputs)) {
      this.stageDefs.set(name, resolveStage(where, name, options));
    }

    this.api = new ApiGatewayRestApi(this, "RestApi", {
      name: this.apiName,
      description: props.description,
      binaryMediaTypes: props.binaryMediaTypes ? [...props.binaryMediaTypes] : undefined,
      endpointConfiguration: {
        types: [endpointType],
        vpcEndpointIds: props.vpcEndpointIds ? [...props.vpcEndpointIds] : undefined,
      },
      policy: this.policyText,
      minimumCompressionSize: mcs === undefined ? undefined : String(mcs),
      disableExecuteApiEndpoint: props.disableExecuteApiEndpoint,
      apiKeySource: props.apiKeySource,
    });
    this.deployment = renderDeployment(this, this.api, props.deploymentDescription);

    const stages: Record<string, ApiGatewayStage> = {};
    const logGroups: Record<string, CloudwatchLogGroup> = {};
    const executionLogGroups: Record<string, CloudwatchLogGroup> = {};
    for (const s of this.stageDefs.values()) {
      const r = renderStage(this, this.api, this.deployment, s, this.apiName, retention);
      this.stageResources.set(s.name, r);
      stages[s.name] = r.stage;
      if (r.accessLogs) logGroups[s.name] = r.accessLogs;
      if (r.executionLogs) executionLogGroups[s.name] = r.executionLogs;
    }
    this.stages = stages;
    this.accessLogGroups = logGroups;
    this.executionLogGroups = executionLogGroups;
    new TerraformOutput(this, "ApiId", { value: this.api.id, description: `Id of the REST API ${this.apiName}` });

    this.models = new Models(this, this.api);
    this.authorizers = new Authorizers(this, this.api);
    this.usagePlans = new UsagePlans(this, this.api, physical, this.stages);
    this.gatewayResponses = new GatewayResponses(this);

    beforePrepare(this, () => this.build());
    Aspects.of(this).add({
      visit: (node: IConstruct) => {
        if (node === this) this.build();
      },
    });
  }

  /** The execute-api ARN prefix: `arn:aws:execute-api:<region>:<account>:<api id>`. */
  get executionArn(): string {
    return this.api.executionArn;
  }

  /** The invoke URL of a stage. */
  invokeUrl(stage: string): string {
    return this.stageResource(stage).invokeUrl;
  }

  private stageResource(stage: string): ApiGatewayStage {
    const s = this.stages[stage];
    if (!s) throw new PropError(this, "stage", stage, `use one of the stages ${[...this.stageDefs.keys()].join(", ")}.`);
    return s;
  }

  /**
   * Adds a JSON Schema (draft-04) model. References to other models are written
   * `{ "$ref": "#/models/Item" }` (see `modelRef`); they may name models added later, or
   * this model, and are resolved at synth: to the model URL API Gateway expects (created
   * first, by `depends_on`), or, for models that refer to each other in a cycle, inlined as
   * `definitions` (see model-graph.ts).
   */
  addModel(name: string, schema: Readonly<Record<string, unknown>>, options: ModelOptions = {}): Model {
    return this.models.add(name, schema, options);
  }

  /** The URL API Gateway uses for a model of this API. */
  modelUrl(name: string): string {
    return this.models.url(name);
  }

  /** Adds a Cognito user pool or Lambda (TOKEN / REQUEST) authorizer. */
  addAuthorizer(name: string, options: AuthorizerOptions): Authorizer {
    return this.authorizers.add(name, options);
  }

  /** Adds an API key with a generated value; outputs its id and (sensitive) value. */
  addApiKey(name: string, options: ApiKeyOptions = {}): ApiKey {
    return this.usagePlans.addApiKey(name, options);
  }

  /** The key added under this name. */
  apiKey(name: string): ApiKey {
    return this.usagePlans.apiKey(name);
  }

  /** Adds a usage plan over stages, with quota, throttles and keys. */
  addUsagePlan(name: string, options: UsagePlanOptions = {}): UsagePlan {
    return this.usagePlans.addUsagePlan(name, options);
  }

  /** Customizes one of API Gateway's own responses (with CORS headers added when CORS is on). */
  addGatewayResponse(type: GatewayResponseType, options: GatewayResponseOptions = {}): void {
    this.gatewayResponses.add(type, options);
  }

  /** Serves a stage under a custom domain name (`api.example.com/v1`); outputs the DNS target. */
  addDomainName(domainName: string, options: DomainNameOptions): DomainName {
    checkDomainName(this.node.path, domainName);
    return renderDomainName(this, this.api, this.stageResource(options.stage), domainName, options);
  }

  /** Adds a route, `"GET /items/{ID}"`. */
  addRoute(route: string, options: RouteOptions): RouteDefinition {
    const where = this.node.path;
    if (this.built) {
      throw new PropError(where, "route", route, "add routes before the stack is synthesized.");
    }
    const parsed = parseRoute(route, where);
    const key = `${parsed.method} ${parsed.path}`;
    if (this.routes.has(key)) {
      throw new PropError(where, "route", route, "this method and path are already routed; remove the duplicate or change its method or path.");
    }
    const def = defineRoute(
      { where, cors: this.cors, stages: this.stageDefs, models: this.models, authorizers: this.authorizers },
      route,
      options,
    );
    this.routes.set(key, def);
    return def;
  }

  /** The stages as deployed (a route cache turns on its stage's cache cluster). */
  private effectiveStages(): ResolvedStage[] {
    return [...this.stageDefs.values()].map((s) => effectiveStage(s, this.routes.values()));
  }

  /** The API as plain data (see `routeTable`). */
  definition(): ApiDefinition {
    return {
      name: this.apiName,
      stages: this.effectiveStages(),
      routes: [...this.routes.values()],
      authorizers: this.authorizers.definitions(),
      usagePlans: this.usagePlans.definitions(),
      ...(this.cors ? { cors: this.cors } : {}),
    };
  }

  /** The route table rows. */
  routeTable(): RouteRow[] {
    return routeTable(this.definition());
  }

  /** Everything whose change needs a redeployment, as plain data (see deployment.ts). */
  redeploymentInputs(): unknown {
    return redeploymentInputs(this, {
      routes: this.routes.values(),
      stages: [...this.stageDefs.values()],
      cors: this.cors,
      models: this.models.schemas(),
      authorizers: this.authorizers.definitions(),
      gatewayResponses: this.gatewayResponses.definitions(this.cors),
      policy: this.policyText,
      binaryMediaTypes: this.props.binaryMediaTypes ?? [],
      minimumCompressionSize: this.props.minimumCompressionSize,
      apiKeySource: this.props.apiKeySource,
    });
  }

  /** The deployment trigger: SHA-256 of {@link redeploymentInputs}. */
  deploymentHash(): string {
    return deploymentHash(this.redeploymentInputs());
  }

  // ---------------------------------------------------------------- build (at synth)

  private build(): void {
    if (this.built) return;
    this.built = true;
    if (this.routes.size === 0) {
      throw new PropError(this.node.path, "routes", [], 'add at least one route with api.addRoute("GET /path", ...): API Gateway cannot deploy an API without methods.');
    }
    this.usagePlans.checkAgainst(this.routes);
    this.models.finish();

    const api = this.api;
    const routes = [...this.routes.values()];
    const stages = this.effectiveStages();
    const dependables: ITerraformDependable[] = [];
    const resources = renderResourceTree(this, api, routes.map((r) => r.path));
    const validators = new Validators(this, api);

    for (const def of routes) {
      const resourceId = resources.get(def.path)!;
      const label = `${def.method} ${def.path}`;
      const cors = corsFor(this.node.path, routes, def.path, this.cors);
      const method = renderMethod({ scope: this, api, def, resourceId, authorizers: this.authorizers, models: this.models, validators });
      dependables.push(method);
      const common = {
        restApiId: api.id,
        resourceId,
        httpMethod: method.httpMethod,
        cacheKeyParameters: def.cacheKeyParameters.length > 0 ? [...def.cacheKeyParameters] : undefined,
      };
      const rendered = renderIntegration(def.integration, { scope: this, api, def, method, label, common, stages });
      dependables.push(rendered.integration);
      dependables.push(
        ...renderResponses({
          scope: this,
          api,
          models: this.models,
          def,
          method,
          resourceId,
          integration: rendered.integration,
          responses: rendered.responses,
          cors,
          emptyBody: rendered.emptyBody ?? false,
        }),
      );
    }

    // CORS preflights, one per resource that has routes and CORS
    const byPath = new Map<string, RouteDefinition[]>();
    for (const def of routes) byPath.set(def.path, [...(byPath.get(def.path) ?? []), def]);
    for (const [path, defs] of byPath) {
      const cors = corsFor(this.node.path, routes, path, this.cors);
      if (!cors || defs.some((d) => d.method === "OPTIONS")) continue;
      dependables.push(...renderPreflight(this, api, path, resources.get(path)!, cors, defs.map((d) => d.method)));
    }

    dependables.push(...this.gatewayResponses.render(api, this.cors));

    // stages: cache clusters, method settings
    for (const s of stages) renderStageSettings(this, api, this.stageResources.get(s.name)!, s, routes);

    // the deployment: redeploy when, and only when, the definition changes
    finishDeployment(this.deployment, this.redeploymentInputs(), [...dependables, ...this.models.resources(), ...validators.resources()]);
  }
}
