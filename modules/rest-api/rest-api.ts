/**
 * RestApi: a typed description of an API Gateway REST (v1) API that becomes its Terraform.
 *
 * Routes, models, authorizers, keys, usage plans and gateway responses are declared with
 * `add*` calls; the resource tree, methods, integrations, CORS preflights, validators,
 * permissions, method settings and the deployment trigger are built once, when the stack
 * is synthesized (an aspect), so that every route is known first. Cross-cutting checks
 * (an API-key route on a stage no usage plan covers, a usage-plan throttle for an unknown
 * route) throw a PropError at that point; everything else throws from the `add*` call.
 */
import { ApiGatewayApiKey } from "@cdktf/provider-aws/lib/api-gateway-api-key";
import { ApiGatewayAuthorizer } from "@cdktf/provider-aws/lib/api-gateway-authorizer";
import { ApiGatewayBasePathMapping } from "@cdktf/provider-aws/lib/api-gateway-base-path-mapping";
import { ApiGatewayDeployment } from "@cdktf/provider-aws/lib/api-gateway-deployment";
import { ApiGatewayDomainName } from "@cdktf/provider-aws/lib/api-gateway-domain-name";
import { ApiGatewayGatewayResponse } from "@cdktf/provider-aws/lib/api-gateway-gateway-response";
import { ApiGatewayIntegration } from "@cdktf/provider-aws/lib/api-gateway-integration";
import { ApiGatewayIntegrationResponse } from "@cdktf/provider-aws/lib/api-gateway-integration-response";
import { ApiGatewayMethod } from "@cdktf/provider-aws/lib/api-gateway-method";
import { ApiGatewayMethodResponse } from "@cdktf/provider-aws/lib/api-gateway-method-response";
import {
  ApiGatewayMethodSettings,
  type ApiGatewayMethodSettingsSettings as ReadonlySettings,
} from "@cdktf/provider-aws/lib/api-gateway-method-settings";
import { ApiGatewayModel } from "@cdktf/provider-aws/lib/api-gateway-model";
import { ApiGatewayRequestValidator } from "@cdktf/provider-aws/lib/api-gateway-request-validator";
import { ApiGatewayResource } from "@cdktf/provider-aws/lib/api-gateway-resource";
import { ApiGatewayRestApi } from "@cdktf/provider-aws/lib/api-gateway-rest-api";
import { ApiGatewayStage } from "@cdktf/provider-aws/lib/api-gateway-stage";
import { ApiGatewayUsagePlan } from "@cdktf/provider-aws/lib/api-gateway-usage-plan";
import { ApiGatewayUsagePlanKey } from "@cdktf/provider-aws/lib/api-gateway-usage-plan-key";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import {
  Aspects,
  DefaultTokenResolver,
  dependable,
  StringConcat,
  TerraformOutput,
  TerraformStack,
  Token,
  Tokenization,
  type ITerraformDependable,
} from "cdktf";
import { Construct, type IConstruct } from "constructs";
import { isResolved, PropError } from "../core/errors";
import { lambdaInvokeUri, type LambdaFunctionRef } from "../core/function-ref";
import { ServiceStack } from "../core/service-stack";
import { corsResponseHeaders, originEchoTemplate, preflight, resolveCors, type ResolvedCors } from "./cors";
import { deploymentHash, shortHash } from "./hash";
import {
  aliasName,
  isAliasTarget,
  isStageVariableTarget,
  responseHeaderKey,
  targetFunction,
  type Integration,
  type IntegrationResponse,
  type LambdaTarget,
} from "./integrations";
import { executeApiArnTail, methodSettingsPath, parentPath, parseRoute, usagePlanThrottlePath } from "./paths";
import {
  ACCESS_LOG_FORMAT,
  GATEWAY_RESPONSE_TYPES,
  type ApiKey,
  type ApiKeyOptions,
  type Authorizer,
  type DomainName,
  type DomainNameOptions,
  type GatewayResponseOptions,
  type GatewayResponseType,
  type Model,
  type ModelOptions,
  type RestApiProps,
  type RouteOptions,
  type UsagePlan,
  type UsagePlanOptions,
} from "./props";
import { routeTable, type RouteRow } from "./route-table";
import {
  CACHE_SIZES,
  type ApiDefinition,
  type AuthorizerDefinition,
  type AuthorizerOptions,
  type ResolvedStage,
  type ResolvedStageCache,
  type RouteDefinition,
  type StageOptions,
  type Throttle,
  type ThrottleInput,
  type UsagePlanDefinition,
  type ValidationMode,
  type Validator,
} from "./types";

const STAGE_NAME = /^[A-Za-z0-9_-]{1,128}$/;
const VARIABLE_NAME = /^[A-Za-z0-9_]{1,64}$/;
const VARIABLE_VALUE = /^[A-Za-z0-9\-._~:/?#&=,]{1,512}$/;
const MODEL_NAME = /^[A-Za-z0-9]{1,128}$/;
const DRAFT_04 = "http://json-schema.org/draft-04/schema#";
const PARAM_KINDS = ["path", "querystring", "header", "multivaluequerystring", "multivalueheader"];

/**
 * Escapes literal text for Terraform, where `${` and `%{` are template syntax (VTL's
 * `${var}`, IAM's `${aws:username}`); cdktf tokens inside the text stay references.
 */
export function terraformLiteral(text: string): string {
  // (a function replacement: in a replacement string "$$" means one "$")
  return text.replace(/\$\{(?!TfToken\[)/g, () => "$${").replace(/%\{/g, () => "%%{");
}

function escapeMap(m: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(m).map(([k, v]) => [k, terraformLiteral(v)]));
}

/** Normalizes `rate/burst` or `rateLimit/burstLimit` and checks both are non-negative. */
export function resolveThrottle(input: ThrottleInput, where: string, prop: string): Throttle {
  const rate = "rate" in input ? input.rate : input.rateLimit;
  const burst = "burst" in input ? input.burst : input.burstLimit;
  for (const [name, v] of [["rate", rate], ["burst", burst]] as const) {
    if (isResolved(v) && (!Number.isFinite(v) || v < 0)) {
      throw new PropError(where, `${prop}.${name}`, v, `use a non-negative number (requests${name === "rate" ? " per second" : ""}).`);
    }
  }
  if (isResolved(burst) && !Number.isInteger(burst)) {
    throw new PropError(where, `${prop}.burst`, burst, "use a whole number of requests.");
  }
  return { rate, burst };
}

function checkTtl(ttl: number, where: string, prop: string): void {
  if (isResolved(ttl) && (!Number.isInteger(ttl) || ttl < 0 || ttl > 3600)) {
    throw new PropError(where, prop, ttl, "use a whole number of seconds from 0 to 3600.");
  }
}

type ApiGatewayMethodSettingsSettings = { -readonly [K in keyof ReadonlySettings]: ReadonlySettings[K] };

interface BuiltRoute {
  readonly def: RouteDefinition;
  readonly method: ApiGatewayMethod;
}

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
  private readonly routes = new Map<string, RouteDefinition>();
  private readonly models = new Map<string, { model: Model; schema: unknown }>();
  private readonly authorizers = new Map<string, { authorizer: Authorizer; def: AuthorizerDefinition }>();
  private readonly keys = new Map<string, ApiKey>();
  private readonly plans = new Map<string, { plan: UsagePlan; def: UsagePlanDefinition }>();
  private readonly gatewayResponses = new Map<string, GatewayResponseOptions>();
  private readonly physical: (name: string) => string;
  private readonly policyText?: string;
  private built = false;

  constructor(scope: Construct, id: string, props: RestApiProps = {}) {
    super(scope, id);
    this.props = props;
    const stack = TerraformStack.of(this);
    const serviceStack = stack instanceof ServiceStack ? stack : undefined;
    this.physical = (n) => (serviceStack ? serviceStack.physicalName(n) : n);
    this.apiName = props.name ?? this.physical(id);
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
      this.stageDefs.set(name, this.resolveStage(name, options));
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

    this.deployment = new ApiGatewayDeployment(this, "Deployment", {
      restApiId: this.api.id,
      description: props.deploymentDescription,
      lifecycle: { createBeforeDestroy: true },
    });

    const stages: Record<string, ApiGatewayStage> = {};
    const logGroups: Record<string, CloudwatchLogGroup> = {};
    const executionLogGroups: Record<string, CloudwatchLogGroup> = {};
    for (const s of this.stageDefs.values()) {
      let accessLogSettings: { destinationArn: string; format: string } | undefined;
      if (s.accessLogs) {
        const group = new CloudwatchLogGroup(this, `AccessLogs-${s.name}`, {
          name: `API-Gateway-Access-Logs_${this.apiName}/${s.name}`,
          retentionInDays: retention,
        });
        logGroups[s.name] = group;
        accessLogSettings = { destinationArn: group.arn, format: ACCESS_LOG_FORMAT };
      }
      stages[s.name] = new ApiGatewayStage(this, `Stage-${s.name}`, {
        restApiId: this.api.id,
        deploymentId: this.deployment.id,
        stageName: s.name,
        description: s.description,
        variables: Object.keys(s.variables).length > 0 ? { ...s.variables } : undefined,
        xrayTracingEnabled: s.tracing,
        accessLogSettings,
      });
      if (s.loggingLevel !== "OFF") {
        executionLogGroups[s.name] = new CloudwatchLogGroup(this, `ExecutionLogs-${s.name}`, {
          name: `API-Gateway-Execution-Logs_${this.api.id}/${s.name}`,
          retentionInDays: retention,
        });
      }
      new TerraformOutput(this, `InvokeUrl-${s.name}`, {
        value: stages[s.name]!.invokeUrl,
        description: `Invoke URL of ${this.apiName}, stage ${s.name}`,
      });
    }
    this.stages = stages;
    this.accessLogGroups = logGroups;
    this.executionLogGroups = executionLogGroups;
    new TerraformOutput(this, "ApiId", { value: this.api.id, description: `Id of the REST API ${this.apiName}` });

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

  // ---------------------------------------------------------------- stages

  private resolveStage(name: string, o: StageOptions): ResolvedStage {
    const where = this.node.path;
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

  // ---------------------------------------------------------------- models

  /**
   * Adds a JSON Schema (draft-04) model. References to other models are written
   * `{ "$ref": "#/models/Item" }` (see `modelRef`) and become the model URL API Gateway
   * expects; the referenced model must be added first.
   */
  addModel(name: string, schema: Readonly<Record<string, unknown>>, options: ModelOptions = {}): Model {
    const where = this.node.path;
    if (!MODEL_NAME.test(name)) {
      throw new PropError(where, "model", name, "name a model with letters and digits only.");
    }
    if (this.models.has(name)) {
      throw new PropError(where, "model", name, "a model with this name already exists; choose another name.");
    }
    const declared = schema.$schema;
    if (declared !== undefined && declared !== DRAFT_04) {
      throw new PropError(where, `models.${name}.$schema`, declared, `API Gateway models use JSON Schema draft-04: "${DRAFT_04}".`);
    }
    const refs = new Set<string>();
    const rewritten = this.rewriteRefs(schema, name, refs);
    const body = { $schema: DRAFT_04, ...(rewritten as Record<string, unknown>) };
    const dependsOn = [...refs].map((r) => this.models.get(r)!.model.resource);
    const resource = new ApiGatewayModel(this, `Model-${name}`, {
      restApiId: this.api.id,
      name,
      contentType: options.contentType ?? "application/json",
      description: options.description,
      schema: JSON.stringify(body),
      dependsOn: dependsOn.length > 0 ? dependsOn : undefined,
    });
    const model = { name, resource };
    this.models.set(name, { model, schema });
    return model;
  }

  /** The URL API Gateway uses for a model of this API. */
  modelUrl(name: string): string {
    return `https://apigateway.amazonaws.com/restapis/${this.api.id}/models/${name}`;
  }

  private rewriteRefs(value: unknown, model: string, refs: Set<string>): unknown {
    if (Array.isArray(value)) return value.map((v) => this.rewriteRefs(v, model, refs));
    if (typeof value === "string") return terraformLiteral(value);
    if (value === null || typeof value !== "object") return value;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (k === "$ref" && typeof v === "string" && v.startsWith("#/models/")) {
        const target = v.slice("#/models/".length);
        if (!this.models.has(target)) {
          throw new PropError(this.node.path, `models.${model}.$ref`, v, `add the model "${target}" with api.addModel before "${model}".`);
        }
        refs.add(target);
        out[k] = this.modelUrl(target);
      } else {
        out[k] = this.rewriteRefs(v, model, refs);
      }
    }
    return out;
  }

  private modelName(m: Model | string, prop: string): string {
    const name = typeof m === "string" ? m : m.name;
    const known = this.models.get(name);
    if (!known || (typeof m !== "string" && known.model !== m)) {
      throw new PropError(this.node.path, prop, name, `add it first with api.addModel("${name}", schema); known models: ${[...this.models.keys()].join(", ") || "none"}.`);
    }
    return name;
  }

  // ---------------------------------------------------------------- authorizers

  /** Adds a Cognito user pool or Lambda (TOKEN / REQUEST) authorizer. */
  addAuthorizer(name: string, options: AuthorizerOptions): Authorizer {
    const where = this.node.path;
    const prop = `authorizers.${name}`;
    if (!/^[A-Za-z0-9_-]{1,128}$/.test(name)) {
      throw new PropError(where, "authorizer", name, "name an authorizer with letters, digits, - or _.");
    }
    if (this.authorizers.has(name)) {
      throw new PropError(where, "authorizer", name, "an authorizer with this name already exists; choose another name.");
    }
    const ttl = options.resultTtlSeconds ?? 300;
    checkTtl(ttl, where, `${prop}.resultTtlSeconds`);
    let def: AuthorizerDefinition;
    let resource: ApiGatewayAuthorizer;
    const id = `Authorizer-${name}`;
    if (options.type === "COGNITO_USER_POOLS") {
      if (options.userPoolArns.length === 0) {
        throw new PropError(where, `${prop}.userPoolArns`, options.userPoolArns, "list at least one Cognito user pool ARN.");
      }
      const identitySource = options.identitySource ?? "method.request.header.Authorization";
      resource = new ApiGatewayAuthorizer(this, id, {
        restApiId: this.api.id,
        name,
        type: "COGNITO_USER_POOLS",
        providerArns: [...options.userPoolArns],
        identitySource,
        authorizerResultTtlInSeconds: ttl,
      });
      def = { name, type: options.type, identitySource, resultTtlSeconds: ttl, providerArns: options.userPoolArns.map((a) => this.stable(a)) };
    } else {
      let identitySource: string;
      if (options.type === "TOKEN") {
        identitySource = options.identitySource ?? "method.request.header.Authorization";
        if (!identitySource.startsWith("method.request.header.")) {
          throw new PropError(where, `${prop}.identitySource`, identitySource, 'a TOKEN authorizer reads one header: "method.request.header.<Name>".');
        }
      } else {
        if (options.identitySources.length === 0 && ttl > 0) {
          throw new PropError(where, `${prop}.identitySources`, options.identitySources, "list the request parameters that identify a caller (they key the cached result), or set resultTtlSeconds to 0.");
        }
        identitySource = options.identitySources.join(",");
      }
      const target = options.fn;
      const fn = targetFunction(target);
      const qualifier = isAliasTarget(target) ? aliasName(target) : undefined;
      if (qualifier !== undefined) this.checkAlias(fn, qualifier, `${prop}.fn`);
      const uri = qualifier ? lambdaInvokeUri(fn.region, `${fn.arn}:${qualifier}`) : fn.invokeArn;
      resource = new ApiGatewayAuthorizer(this, id, {
        restApiId: this.api.id,
        name,
        type: options.type,
        authorizerUri: uri,
        identitySource: identitySource === "" ? undefined : identitySource,
        identityValidationExpression: options.type === "TOKEN" ? options.validationExpression : undefined,
        authorizerResultTtlInSeconds: ttl,
      });
      new LambdaPermission(this, `Permission-Authorizer-${name}`, {
        statementId: statementId([this.node.id, "authorizer", name, qualifier ?? ""], this.node.path),
        action: "lambda:InvokeFunction",
        functionName: fn.functionName,
        qualifier,
        principal: "apigateway.amazonaws.com",
        sourceArn: `${this.api.executionArn}/authorizers/${resource.id}`,
      });
      def = {
        name,
        type: options.type,
        identitySource,
        resultTtlSeconds: ttl,
        target: qualifier ? `${fn.id}:${qualifier}` : fn.id,
        ...(options.type === "TOKEN" && options.validationExpression ? { validationExpression: options.validationExpression } : {}),
      };
    }
    const authorizer = { name, type: options.type, resource };
    this.authorizers.set(name, { authorizer, def });
    return authorizer;
  }

  // ---------------------------------------------------------------- keys and usage plans

  /** Adds an API key with a generated value; outputs its id and (sensitive) value. */
  addApiKey(name: string, options: ApiKeyOptions = {}): ApiKey {
    if (this.keys.has(name)) {
      throw new PropError(this.node.path, "apiKey", name, "an API key with this name already exists on this API; reuse it.");
    }
    const resource = new ApiGatewayApiKey(this, `ApiKey-${name}`, {
      name: this.physical(name),
      description: options.description,
      enabled: options.enabled ?? true,
    });
    new TerraformOutput(this, `ApiKeyId-${name}`, { value: resource.id, description: `Id of the API key ${name}` });
    new TerraformOutput(this, `ApiKeyValue-${name}`, { value: resource.value, sensitive: true, description: `Value of the API key ${name}` });
    const key = { name, resource };
    this.keys.set(name, key);
    return key;
  }

  /** The key added under this name. */
  apiKey(name: string): ApiKey {
    const key = this.keys.get(name);
    if (!key) throw new PropError(this.node.path, "apiKey", name, `add it with api.addApiKey("${name}").`);
    return key;
  }

  /** Adds a usage plan over stages, with quota, throttles and keys. */
  addUsagePlan(name: string, options: UsagePlanOptions = {}): UsagePlan {
    const where = this.node.path;
    const prop = `usagePlans.${name}`;
    if (this.plans.has(name)) {
      throw new PropError(where, "usagePlan", name, "a usage plan with this name already exists; choose another name.");
    }
    const stageNames = [...(options.stages ?? [...this.stageDefs.keys()])];
    if (stageNames.length === 0) {
      throw new PropError(where, `${prop}.stages`, stageNames, "list at least one stage.");
    }
    for (const s of stageNames) {
      if (!this.stageDefs.has(s)) {
        throw new PropError(where, `${prop}.stages`, s, `use one of the stages ${[...this.stageDefs.keys()].join(", ")}.`);
      }
    }
    let quota: UsagePlanDefinition["quota"];
    if (options.quota) {
      const { limit, period, offset = 0 } = options.quota;
      if (isResolved(limit) && (!Number.isInteger(limit) || limit < 0)) {
        throw new PropError(where, `${prop}.quota.limit`, limit, "use a non-negative whole number of requests.");
      }
      if (!["DAY", "WEEK", "MONTH"].includes(period)) {
        throw new PropError(where, `${prop}.quota.period`, period, 'use "DAY", "WEEK" or "MONTH".');
      }
      const maxOffset = period === "DAY" ? 0 : period === "WEEK" ? 6 : 27;
      if (!Number.isInteger(offset) || offset < 0 || offset > maxOffset) {
        throw new PropError(where, `${prop}.quota.offset`, offset, `use 0..${maxOffset} for a ${period} quota.`);
      }
      quota = { limit, period, offset };
    }
    const throttle = options.throttle ? resolveThrottle(options.throttle, where, `${prop}.throttle`) : undefined;
    const methodThrottle: Record<string, Throttle> = {};
    for (const [route, t] of Object.entries(options.methodThrottle ?? {})) {
      const r = parseRoute(route, where);
      methodThrottle[`${r.method} ${r.path}`] = resolveThrottle(t, where, `${prop}.methodThrottle["${route}"]`);
    }
    const keys = (options.keys ?? []).map((k) => (typeof k === "string" ? (this.keys.get(k) ?? this.addApiKey(k)) : k));
    const resource = new ApiGatewayUsagePlan(this, `UsagePlan-${name}`, {
      name: this.physical(name),
      description: options.description,
      apiStages: stageNames.map((s) => ({
        apiId: this.api.id,
        stage: this.stages[s]!.stageName,
        throttle: Object.entries(methodThrottle).map(([route, t]) => {
          const [method, path] = route.split(" ") as [string, string];
          return { path: usagePlanThrottlePath(method, path), rateLimit: t.rate, burstLimit: t.burst };
        }),
      })),
      quotaSettings: quota,
      throttleSettings: throttle ? { rateLimit: throttle.rate, burstLimit: throttle.burst } : undefined,
      dependsOn: stageNames.map((s) => this.stages[s]!),
    });
    for (const key of keys) {
      new ApiGatewayUsagePlanKey(this, `UsagePlanKey-${name}-${key.name}`, {
        keyId: key.resource.id,
        keyType: "API_KEY",
        usagePlanId: resource.id,
      });
    }
    const plan = { name, resource };
    this.plans.set(name, {
      plan,
      def: { name, stages: stageNames, ...(quota ? { quota } : {}), ...(throttle ? { throttle } : {}), methodThrottle, keys: keys.map((k) => k.name) },
    });
    return plan;
  }

  // ---------------------------------------------------------------- gateway responses

  /** Customizes one of API Gateway's own responses (with CORS headers added when CORS is on). */
  addGatewayResponse(type: GatewayResponseType, options: GatewayResponseOptions = {}): void {
    if (!(GATEWAY_RESPONSE_TYPES as readonly string[]).includes(type)) {
      throw new PropError(this.node.path, "gatewayResponse", type, `use one of ${GATEWAY_RESPONSE_TYPES.join(", ")}.`);
    }
    if (this.gatewayResponses.has(type)) {
      throw new PropError(this.node.path, "gatewayResponse", type, "this response is already customized; merge the options into one call.");
    }
    if (options.statusCode !== undefined && !/^[1-5]\d\d$/.test(options.statusCode)) {
      throw new PropError(this.node.path, `gatewayResponses.${type}.statusCode`, options.statusCode, 'use a status code such as "403".');
    }
    this.gatewayResponses.set(type, options);
  }

  // ---------------------------------------------------------------- custom domains

  /** Serves a stage under a custom domain name (`api.example.com/v1`); outputs the DNS target. */
  addDomainName(domainName: string, options: DomainNameOptions): DomainName {
    const where = this.node.path;
    const prop = `domainNames.${domainName}`;
    if (isResolved(domainName) && !/^(?=.{1,253}$)([A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/.test(domainName)) {
      throw new PropError(where, "domainName", domainName, 'use a fully qualified domain name such as "api.example.com".');
    }
    this.stageResource(options.stage);
    const basePath = options.basePath ?? "";
    if (!/^[A-Za-z0-9._-]*$/.test(basePath)) {
      throw new PropError(where, `${prop}.basePath`, basePath, 'use one path segment without slashes, e.g. "v1", or "" for the root.');
    }
    const endpointType = options.endpointType ?? "REGIONAL";
    const id = `Domain-${domainName}`;
    const resource = new ApiGatewayDomainName(this, id, {
      domainName,
      ...(endpointType === "REGIONAL" ? { regionalCertificateArn: options.certificateArn } : { certificateArn: options.certificateArn }),
      endpointConfiguration: { types: [endpointType] },
      securityPolicy: options.securityPolicy ?? "TLS_1_2",
    });
    const mapping = new ApiGatewayBasePathMapping(this, `${id}-${basePath === "" ? "root" : basePath}`, {
      apiId: this.api.id,
      domainName: resource.domainName,
      stageName: this.stages[options.stage]!.stageName,
      basePath: basePath === "" ? undefined : basePath,
    });
    const targetDomainName = endpointType === "REGIONAL" ? resource.regionalDomainName : resource.cloudfrontDomainName;
    const targetZoneId = endpointType === "REGIONAL" ? resource.regionalZoneId : resource.cloudfrontZoneId;
    new TerraformOutput(this, `${id}-Target`, { value: targetDomainName, description: `DNS alias target of ${domainName}` });
    return { domainName, resource, mapping, targetDomainName, targetZoneId };
  }

  // ---------------------------------------------------------------- routes

  /** Adds a route, `"GET /items/{ID}"`. */
  addRoute(route: string, options: RouteOptions): RouteDefinition {
    const where = this.node.path;
    if (this.built) {
      throw new PropError(where, "route", route, "add routes before the stack is synthesized.");
    }
    const parsed = parseRoute(route, where);
    const key = `${parsed.method} ${parsed.path}`;
    const prop = `routes["${key}"]`;
    if (this.routes.has(key)) {
      throw new PropError(where, "route", route, "this method and path are already routed; remove the duplicate or change its method or path.");
    }
    if (parsed.method === "OPTIONS" && (options.cors ?? this.cors) && options.cors !== false) {
      throw new PropError(where, "route", route, "CORS already answers OPTIONS on this resource: set cors: false on this route, or drop it.");
    }
    const integration = options.integration;
    this.checkIntegration(integration, parsed.path, parsed.pathParams, prop);

    // request parameters
    const requestParameters: Record<string, boolean> = {};
    for (const p of parsed.pathParams) requestParameters[`method.request.path.${p}`] = true;
    for (const [name, required] of Object.entries(options.requestParameters ?? {})) {
      const full = this.requestParameterName(name, `${prop}.requestParameters`);
      const param = full.split(".").slice(3).join(".");
      if (full.startsWith("method.request.path.") && !parsed.pathParams.includes(param)) {
        throw new PropError(where, `${prop}.requestParameters`, name, `"${param}" is not in the path ${parsed.path}: name it in the path as {${param}}.`);
      }
      requestParameters[full] = full.startsWith("method.request.path.") ? true : required;
    }
    const cacheKeyParameters: string[] = [];
    for (const k of options.cacheKey ?? []) {
      let full: string;
      if (parsed.pathParams.includes(k)) full = `method.request.path.${k}`;
      else if (k.includes(".")) full = this.requestParameterName(k, `${prop}.cacheKey`);
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
    if (options.requestModel !== undefined) requestModels["application/json"] = this.modelName(options.requestModel, `${prop}.requestModel`);
    for (const [ct, m] of Object.entries(options.requestModels ?? {})) requestModels[ct] = this.modelName(m, `${prop}.requestModels`);
    const hasBody = Object.keys(requestModels).length > 0;
    const hasParams = Object.entries(requestParameters).some(([k, v]) => v && !k.startsWith("method.request.path."));
    const validator = this.validatorFor(options.validation, hasBody, hasParams, `${prop}.validation`);
    for (const mr of options.methodResponses ?? []) {
      if (!/^[1-5]\d\d$/.test(mr.statusCode)) {
        throw new PropError(where, `${prop}.methodResponses`, mr.statusCode, 'use a status code such as "200".');
      }
      for (const m of Object.values(mr.responseModels ?? {})) this.modelName(m, `${prop}.methodResponses.responseModels`);
    }

    // authorization
    let authorizer: string | undefined;
    if (options.authorizer === "IAM") authorizer = "IAM";
    else if (options.authorizer !== undefined) {
      const known = this.authorizers.get(options.authorizer.name);
      if (!known || known.authorizer !== options.authorizer) {
        throw new PropError(where, `${prop}.authorizer`, options.authorizer.name, "use an authorizer returned by this API's addAuthorizer.");
      }
      authorizer = options.authorizer.name;
    }
    if ((options.authorizationScopes ?? []).length > 0 && (authorizer === undefined || this.authorizers.get(authorizer)?.def.type !== "COGNITO_USER_POOLS")) {
      throw new PropError(where, `${prop}.authorizationScopes`, options.authorizationScopes, "scopes apply to a Cognito user pool authorizer: set authorizer too.");
    }

    // cache and throttle per stage
    const stageNames = [...this.stageDefs.keys()];
    const cache: Record<string, { ttl?: number } | false | undefined> = {};
    if (options.cache === false) {
      for (const s of stageNames) cache[s] = false;
    } else if (options.cache) {
      const c = options.cache;
      if (c.ttl !== undefined) checkTtl(c.ttl, where, `${prop}.cache.ttl`);
      for (const s of this.checkStages(c.stages, `${prop}.cache.stages`)) {
        const stage = this.stageDefs.get(s)!;
        if (stage.cache && !stage.cache.enabled) {
          throw new PropError(where, `${prop}.cache`, c, `stage "${s}" has cache.enabled false: enable it, or limit this route's cache with "stages".`);
        }
        cache[s] = c.ttl !== undefined ? { ttl: c.ttl } : {};
        if (!stage.cache) {
          // A method cache implies the stage's cache cluster: infer the smallest one.
          this.stageDefs.set(s, {
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
          });
        }
      }
    }
    const throttle: Record<string, Throttle | undefined> = {};
    if (options.throttle) {
      const t = resolveThrottle(options.throttle, where, `${prop}.throttle`);
      for (const s of this.checkStages(options.throttle.stages, `${prop}.throttle.stages`)) throttle[s] = t;
    }
    const cors = options.cors === undefined ? undefined : options.cors === false ? false : resolveCors(options.cors, where, `${prop}.cors`);

    const def: RouteDefinition = {
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
    this.routes.set(key, def);
    return def;
  }

  private checkStages(stages: readonly string[] | undefined, prop: string): string[] {
    const all = [...this.stageDefs.keys()];
    for (const s of stages ?? []) {
      if (!this.stageDefs.has(s)) throw new PropError(this.node.path, prop, s, `use one of the stages ${all.join(", ")}.`);
    }
    return [...(stages ?? all)];
  }

  private requestParameterName(name: string, prop: string): string {
    const full = name.startsWith("method.request.") ? name : `method.request.${name}`;
    const m = /^method\.request\.([a-z]+)\.([A-Za-z0-9_.-]+)$/.exec(full);
    if (!m || !PARAM_KINDS.includes(m[1]!)) {
      throw new PropError(this.node.path, prop, name, `write "<kind>.<name>" with kind one of ${PARAM_KINDS.join(", ")}, e.g. "querystring.table".`);
    }
    return full;
  }

  private validatorFor(mode: ValidationMode | undefined, hasBody: boolean, hasParams: boolean, prop: string): Validator {
    const chosen = mode ?? (hasBody && hasParams ? "all" : hasBody ? "body" : hasParams ? "params" : "none");
    if ((chosen === "body" || chosen === "all") && !hasBody) {
      throw new PropError(this.node.path, prop, chosen, "body validation needs a request model: set requestModel, or validate params only.");
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
        throw new PropError(this.node.path, prop, chosen, 'use "none", "body", "params" or "all".');
    }
  }

  private checkIntegration(i: Integration, path: string, pathParams: readonly string[], prop: string): void {
    const where = this.node.path;
    if ("timeoutMs" in i && i.timeoutMs !== undefined && (!Number.isInteger(i.timeoutMs) || i.timeoutMs < 50 || i.timeoutMs > 29000)) {
      throw new PropError(where, `${prop}.integration.timeoutMs`, i.timeoutMs, "use 50 to 29000 milliseconds.");
    }
    if (i.type === "AWS" || i.type === "AWS_PROXY") this.checkTarget(i.target, `${prop}.integration`);
    if (i.type === "AWS" || i.type === "MOCK") {
      const seen = new Set<string>();
      let defaults = 0;
      for (const r of i.integrationResponses) {
        if (!/^[1-5]\d\d$/.test(r.statusCode)) {
          throw new PropError(where, `${prop}.integration.integrationResponses`, r.statusCode, 'use a status code such as "404".');
        }
        const k = r.selectionPattern ?? "<default>";
        if (seen.has(k)) {
          throw new PropError(where, `${prop}.integration.integrationResponses`, k, "two responses have the same selection pattern; merge them.");
        }
        seen.add(k);
        if (r.selectionPattern === undefined) defaults++;
      }
      if (defaults > 1) {
        throw new PropError(where, `${prop}.integration.integrationResponses`, defaults, "only one response may omit selectionPattern (the default).");
      }
    }
    if (i.type === "HTTP_PROXY") {
      if (isResolved(i.url) && !/^https?:\/\/[^\s]+$/.test(i.url)) {
        throw new PropError(where, `${prop}.integration.url`, i.url, 'use an http:// or https:// URL, e.g. "https://backend.example.com/{proxy}".');
      }
      for (const [, name] of i.url.matchAll(/\{([A-Za-z0-9_.-]+)\}/g)) {
        if (!pathParams.includes(name!)) {
          throw new PropError(where, `${prop}.integration.url`, i.url, `"{${name}}" is not a parameter of ${path}.`);
        }
      }
    }
  }

  private checkTarget(t: LambdaTarget, prop: string): void {
    if (isStageVariableTarget(t)) {
      for (const stage of this.stageDefs.values()) {
        const value = stage.variables[t.variable];
        if (value !== undefined && !isResolved(value)) continue;
        if (value === undefined) {
          throw new PropError(this.node.path, `stages.${stage.name}.variables.${t.variable}`, undefined, `the route targets ${t.fn.id}:\${stageVariables.${t.variable}}: set it to one of ${t.fn.aliasNames.join(", ") || "(no aliases declared)"}.`);
        }
        if (!t.fn.aliasNames.includes(value)) {
          throw new PropError(this.node.path, `stages.${stage.name}.variables.${t.variable}`, value, `${t.fn.id} has no alias "${value}": use one of ${t.fn.aliasNames.join(", ") || "(no aliases declared)"}, or declare the alias on the function.`);
        }
      }
    } else if (isAliasTarget(t)) {
      this.checkAlias(t.fn, aliasName(t), `${prop}.target`);
    }
  }

  private checkAlias(fn: LambdaFunctionRef, alias: string, prop: string): void {
    if (!fn.aliasNames.includes(alias)) {
      throw new PropError(this.node.path, prop, alias, `${fn.id} has no alias "${alias}": use one of ${fn.aliasNames.join(", ") || "(no aliases declared)"}.`);
    }
  }

  // ---------------------------------------------------------------- definition, hash, table

  /** The API as plain data (see `routeTable`). */
  definition(): ApiDefinition {
    return {
      name: this.apiName,
      stages: [...this.stageDefs.values()],
      routes: [...this.routes.values()],
      authorizers: [...this.authorizers.values()].map((a) => a.def),
      usagePlans: [...this.plans.values()].map((p) => p.def),
      ...(this.cors ? { cors: this.cors } : {}),
    };
  }

  /** The route table rows. */
  routeTable(): RouteRow[] {
    return routeTable(this.definition());
  }

  /**
   * Everything whose change needs a redeployment, as plain data: routes (methods,
   * integrations, templates, parameters, models, validators, authorization), CORS, models,
   * authorizers, gateway responses, policy, binary media types. Terraform references
   * appear as their expressions (`${aws_lambda_function.x.arn}`), never as token ids.
   */
  redeploymentInputs(): unknown {
    return this.stableDeep({
      routes: [...this.routes.values()]
        // method settings (cache, throttle) apply without a redeployment: left out
        .map(({ cache: _cache, throttle: _throttle, ...r }) => ({ ...r, integration: this.integrationForHash(r.integration) }))
        .sort((a, b) => `${a.path} ${a.method}`.localeCompare(`${b.path} ${b.method}`)),
      cors: this.cors ?? null,
      models: Object.fromEntries([...this.models.entries()].map(([n, m]) => [n, m.schema])),
      authorizers: [...this.authorizers.values()].map((a) => a.def),
      gatewayResponses: this.finalGatewayResponses(),
      policy: this.policyText === undefined ? null : this.stable(this.policyText),
      binaryMediaTypes: (this.props.binaryMediaTypes ?? []).map((t) => this.stable(t)),
      minimumCompressionSize: this.props.minimumCompressionSize ?? null,
      apiKeySource: this.props.apiKeySource ?? "HEADER",
    });
  }

  /** Every string of a plain value with its tokens replaced by their Terraform expressions. */
  private stableDeep(value: unknown): unknown {
    if (typeof value === "string") return this.stable(value);
    if (Array.isArray(value)) return value.map((v) => this.stableDeep(v));
    if (value !== null && typeof value === "object") {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.stableDeep(v)]));
    }
    return value;
  }

  /** The deployment trigger: SHA-256 of {@link redeploymentInputs}. */
  deploymentHash(): string {
    return deploymentHash(this.redeploymentInputs());
  }

  private integrationForHash(i: Integration): unknown {
    if (i.type === "AWS" || i.type === "AWS_PROXY") {
      const t = i.target;
      const fn = targetFunction(t);
      const target = {
        fn: fn.id,
        arn: this.stable(fn.arn),
        ...(isAliasTarget(t) ? { alias: aliasName(t) } : {}),
        ...(isStageVariableTarget(t) ? { stageVariable: t.variable } : {}),
      };
      return { ...i, target };
    }
    if (i.type === "HTTP_PROXY") return { ...i, url: this.stable(i.url) };
    return i;
  }

  /** A token's Terraform expression (stable across synths), or the plain value. */
  private stable(value: string): string {
    if (!Token.isUnresolved(value)) return value;
    return String(Tokenization.resolve(value, { scope: this, resolver: new DefaultTokenResolver(new StringConcat()) }));
  }

  // ---------------------------------------------------------------- build (at synth)

  private build(): void {
    if (this.built) return;
    this.built = true;
    const where = this.node.path;
    if (this.routes.size === 0) {
      throw new PropError(where, "routes", [], 'add at least one route with api.addRoute("GET /path", ...): API Gateway cannot deploy an API without methods.');
    }

    // usage plans must cover every stage that serves an API-key route
    const keyed = [...this.routes.values()].filter((r) => r.apiKeyRequired);
    if (keyed.length > 0) {
      const covered = new Set([...this.plans.values()].flatMap((p) => p.def.stages));
      for (const s of this.stageDefs.keys()) {
        if (!covered.has(s)) {
          throw new PropError(
            where,
            "usagePlans",
            [...this.plans.keys()],
            `"${keyed[0]!.method} ${keyed[0]!.path}" requires an API key but no usage plan covers stage "${s}": add it with api.addUsagePlan(name, { stages: ["${s}"], keys: [...] }), or every request there gets 403.`,
          );
        }
      }
    }
    for (const p of this.plans.values()) {
      for (const route of Object.keys(p.def.methodThrottle)) {
        if (!this.routes.has(route)) {
          throw new PropError(where, `usagePlans.${p.def.name}.methodThrottle`, route, `no such route: use one of ${[...this.routes.keys()].join(", ") || "(no routes)"}.`);
        }
      }
    }

    const dependables: ITerraformDependable[] = [];
    const resources = this.buildResourceTree();
    const validators = new Map<Validator, ApiGatewayRequestValidator>();
    const validatorFor = (v: Validator) => {
      let r = validators.get(v);
      if (!r) {
        r = new ApiGatewayRequestValidator(this, `Validator-${v}`, {
          restApiId: this.api.id,
          name: { NONE: "none", BODY: "body", PARAMS: "params", BODY_AND_PARAMS: "body-and-params" }[v],
          validateRequestBody: v === "BODY" || v === "BODY_AND_PARAMS",
          validateRequestParameters: v === "PARAMS" || v === "BODY_AND_PARAMS",
        });
        validators.set(v, r);
      }
      return r;
    };

    const built: BuiltRoute[] = [];
    for (const def of this.routes.values()) {
      const resourceId = resources.get(def.path)!;
      const label = `${def.method} ${def.path}`;
      const cors = this.corsFor(def.path);
      const authorizer = def.authorizer && def.authorizer !== "IAM" ? this.authorizers.get(def.authorizer)! : undefined;
      const method = new ApiGatewayMethod(this, `Method ${label}`, {
        restApiId: this.api.id,
        resourceId,
        httpMethod: def.method,
        authorization: def.authorizer === "IAM" ? "AWS_IAM" : authorizer ? (authorizer.def.type === "COGNITO_USER_POOLS" ? "COGNITO_USER_POOLS" : "CUSTOM") : "NONE",
        authorizerId: authorizer?.authorizer.resource.id,
        authorizationScopes: def.authorizationScopes.length > 0 ? [...def.authorizationScopes] : undefined,
        apiKeyRequired: def.apiKeyRequired,
        requestParameters: Object.keys(def.requestParameters).length > 0 ? { ...def.requestParameters } : undefined,
        requestModels:
          Object.keys(def.requestModels).length > 0
            ? Object.fromEntries(Object.entries(def.requestModels).map(([ct, m]) => [ct, this.models.get(m)!.model.resource.name]))
            : undefined,
        requestValidatorId: def.validator === "NONE" ? undefined : validatorFor(def.validator).id,
        operationName: def.operationName,
      });
      dependables.push(method);
      dependables.push(...this.buildIntegration(def, method, resourceId, cors));
      built.push({ def, method });
    }

    // CORS preflights, one per resource that has routes and CORS
    const byPath = new Map<string, RouteDefinition[]>();
    for (const def of this.routes.values()) byPath.set(def.path, [...(byPath.get(def.path) ?? []), def]);
    for (const [path, defs] of byPath) {
      const cors = this.corsFor(path);
      if (!cors || defs.some((d) => d.method === "OPTIONS")) continue;
      dependables.push(...this.buildPreflight(path, resources.get(path)!, cors, defs.map((d) => d.method)));
    }

    // gateway responses
    for (const [type, o] of Object.entries(this.finalGatewayResponses())) {
      const gr = new ApiGatewayGatewayResponse(this, `GatewayResponse-${type}`, {
        restApiId: this.api.id,
        responseType: type,
        statusCode: o.statusCode,
        responseParameters: o.responseParameters,
        responseTemplates: o.responseTemplates,
      });
      dependables.push(gr);
    }

    // stages: inferred cache clusters, method settings
    for (const s of this.stageDefs.values()) {
      const stage = this.stages[s.name]!;
      if (s.cache) {
        stage.cacheClusterEnabled = s.cache.enabled;
        if (s.cache.enabled) stage.cacheClusterSize = s.cache.sizeGb;
      }
      const base = this.stageSettings(s);
      new ApiGatewayMethodSettings(this, `MethodSettings-${s.name}-all`, {
        restApiId: this.api.id,
        stageName: stage.stageName,
        methodPath: "*/*",
        settings: base,
        // logging starts here: the execution log group must exist first, with its retention
        dependsOn: this.executionLogGroups[s.name] ? [this.executionLogGroups[s.name]!] : undefined,
      });
      for (const { def } of built) {
        const own = def.cache[s.name];
        const throttle = def.throttle[s.name];
        if (own === undefined && throttle === undefined) continue;
        const settings: ApiGatewayMethodSettingsSettings = { ...base };
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
        new ApiGatewayMethodSettings(this, `MethodSettings-${s.name} ${def.method} ${def.path}`, {
          restApiId: this.api.id,
          stageName: stage.stageName,
          methodPath: methodSettingsPath(def.method, def.path),
          settings,
        });
      }
    }

    // the deployment: redeploy when, and only when, the definition changes
    this.deployment.triggers = { redeployment: this.deploymentHash() };
    this.deployment.dependsOn = [...dependables, ...[...this.models.values()].map((m) => m.model.resource), ...[...validators.values()]].map((d) => dependable(d));
  }

  private stageSettings(s: ResolvedStage): ApiGatewayMethodSettingsSettings {
    const settings: ApiGatewayMethodSettingsSettings = {
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

  /** The effective CORS of a resource: a route override (all routes on it must agree) or the API's. */
  private corsFor(path: string): ResolvedCors | undefined {
    const overrides = [...this.routes.values()].filter((r) => r.path === path && r.cors !== undefined).map((r) => r.cors);
    if (overrides.length > 0) {
      const first = JSON.stringify(overrides[0]);
      if (overrides.some((o) => JSON.stringify(o) !== first)) {
        throw new PropError(this.node.path, `routes on ${path}.cors`, overrides, "routes on one resource share its OPTIONS preflight: give them the same cors override.");
      }
      return overrides[0] === false ? undefined : (overrides[0] as ResolvedCors);
    }
    return this.cors;
  }

  private buildResourceTree(): Map<string, string> {
    const ids = new Map<string, string>([["/", this.api.rootResourceId]]);
    const paths = new Set<string>();
    for (const r of this.routes.values()) {
      for (let p: string | undefined = r.path; p !== undefined && p !== "/"; p = parentPath(p)) paths.add(p);
    }
    const sorted = [...paths].sort((a, b) => a.split("/").length - b.split("/").length || a.localeCompare(b));
    const variableChild = new Map<string, string>();
    for (const p of sorted) {
      const parent = parentPath(p)!;
      const part = p.slice(p.lastIndexOf("/") + 1);
      if (part.startsWith("{")) {
        const sibling = variableChild.get(parent);
        if (sibling !== undefined) {
          throw new PropError(this.node.path, "route", p, `${sibling} already uses a parameter at this level of ${parent}: API Gateway allows one parameter per level, use the same name.`);
        }
        variableChild.set(parent, p);
      }
      const resource = new ApiGatewayResource(this, `Resource ${p}`, {
        restApiId: this.api.id,
        parentId: ids.get(parent)!,
        pathPart: part,
      });
      ids.set(p, resource.id);
    }
    return ids;
  }

  private lambdaUri(t: LambdaTarget): string {
    const fn = targetFunction(t);
    if (isStageVariableTarget(t)) return lambdaInvokeUri(fn.region, `${fn.arn}:$\${stageVariables.${t.variable}}`);
    if (isAliasTarget(t)) return lambdaInvokeUri(fn.region, `${fn.arn}:${aliasName(t)}`);
    return fn.invokeArn;
  }

  private buildIntegration(def: RouteDefinition, method: ApiGatewayMethod, resourceId: string, cors: ResolvedCors | undefined): ITerraformDependable[] {
    const label = `${def.method} ${def.path}`;
    const i = def.integration;
    const out: ITerraformDependable[] = [];
    const common = {
      restApiId: this.api.id,
      resourceId,
      httpMethod: method.httpMethod,
      cacheKeyParameters: def.cacheKeyParameters.length > 0 ? [...def.cacheKeyParameters] : undefined,
    };
    let integration: ApiGatewayIntegration;
    let responses: readonly IntegrationResponse[] = [];
    switch (i.type) {
      case "AWS_PROXY":
        integration = new ApiGatewayIntegration(this, `Integration ${label}`, {
          ...common,
          type: "AWS_PROXY",
          integrationHttpMethod: "POST",
          uri: this.lambdaUri(i.target),
          timeoutMilliseconds: i.timeoutMs,
        });
        this.buildPermissions(def, i.target);
        break;
      case "AWS":
        integration = new ApiGatewayIntegration(this, `Integration ${label}`, {
          ...common,
          type: "AWS",
          integrationHttpMethod: "POST",
          uri: this.lambdaUri(i.target),
          requestTemplates: Object.keys(i.requestTemplates).length > 0 ? escapeMap(i.requestTemplates) : undefined,
          passthroughBehavior: i.passthroughBehavior,
          timeoutMilliseconds: i.timeoutMs,
        });
        responses = i.integrationResponses;
        this.buildPermissions(def, i.target);
        break;
      case "MOCK":
        integration = new ApiGatewayIntegration(this, `Integration ${label}`, {
          ...common,
          type: "MOCK",
          requestTemplates: escapeMap(i.requestTemplates),
          passthroughBehavior: i.passthroughBehavior,
        });
        responses = i.integrationResponses;
        break;
      case "HTTP_PROXY": {
        const params: Record<string, string> = {};
        for (const [, name] of i.url.matchAll(/\{([A-Za-z0-9_.-]+)\}/g)) params[`integration.request.path.${name}`] = `method.request.path.${name}`;
        Object.assign(params, i.requestParameters);
        integration = new ApiGatewayIntegration(this, `Integration ${label}`, {
          ...common,
          type: "HTTP_PROXY",
          integrationHttpMethod: i.httpMethod ?? def.method,
          uri: i.url,
          requestParameters: Object.keys(params).length > 0 ? params : undefined,
          timeoutMilliseconds: i.timeoutMs,
        });
        break;
      }
    }
    out.push(integration);

    // method responses: one per status code of the integration responses, plus declared ones
    const methodResponses = new Map<string, { models: Record<string, string>; params: Record<string, boolean> }>();
    const corsHeaders = cors ? corsResponseHeaders(cors) : {};
    for (const r of responses) {
      const entry = methodResponses.get(r.statusCode) ?? { models: {}, params: {} };
      for (const k of Object.keys(r.responseParameters ?? {})) entry.params[responseHeaderKey(k)] = true;
      for (const h of Object.keys(corsHeaders)) entry.params[`method.response.header.${h}`] = true;
      methodResponses.set(r.statusCode, entry);
    }
    for (const mr of def.methodResponses) {
      const entry = methodResponses.get(mr.statusCode) ?? { models: {}, params: {} };
      Object.assign(entry.models, mr.responseModels ?? {});
      for (const [k, v] of Object.entries(mr.responseParameters ?? {})) entry.params[responseHeaderKey(k)] = v;
      methodResponses.set(mr.statusCode, entry);
    }
    const mrResources = new Map<string, ApiGatewayMethodResponse>();
    for (const [status, entry] of methodResponses) {
      const mr = new ApiGatewayMethodResponse(this, `MethodResponse ${label} ${status}`, {
        restApiId: this.api.id,
        resourceId,
        httpMethod: method.httpMethod,
        statusCode: status,
        responseModels:
          Object.keys(entry.models).length > 0
            ? Object.fromEntries(Object.entries(entry.models).map(([ct, m]) => [ct, this.models.get(m)!.model.resource.name]))
            : undefined,
        responseParameters: Object.keys(entry.params).length > 0 ? entry.params : undefined,
      });
      mrResources.set(status, mr);
      out.push(mr);
    }
    const echo = cors ? originEchoTemplate(cors) : "";
    for (const r of responses) {
      const params: Record<string, string> = {};
      for (const [h, v] of Object.entries(corsHeaders)) params[`method.response.header.${h}`] = v;
      for (const [k, v] of Object.entries(r.responseParameters ?? {})) params[responseHeaderKey(k)] = v;
      let templates: Record<string, string> | undefined = r.responseTemplates ? { ...r.responseTemplates } : undefined;
      if (echo) {
        // no template of its own: keep the body as it was (a mock has none)
        templates = templates ?? { "application/json": i.type === "MOCK" ? "" : "$input.json('$')" };
        templates = Object.fromEntries(Object.entries(templates).map(([ct, t]) => [ct, `${echo}${t}`]));
      }
      const ir = new ApiGatewayIntegrationResponse(this, `IntegrationResponse ${label} ${r.statusCode}${r.selectionPattern === undefined ? "" : ` ${shortHash(r.selectionPattern, 6)}`}`, {
        restApiId: this.api.id,
        resourceId,
        httpMethod: method.httpMethod,
        statusCode: mrResources.get(r.statusCode)!.statusCode,
        selectionPattern: r.selectionPattern === undefined ? undefined : terraformLiteral(r.selectionPattern),
        responseTemplates: templates ? escapeMap(templates) : undefined,
        responseParameters: Object.keys(params).length > 0 ? params : undefined,
        contentHandling: r.contentHandling,
        dependsOn: [integration],
      });
      out.push(ir);
    }
    return out;
  }

  private buildPreflight(path: string, resourceId: string, cors: ResolvedCors, methods: readonly string[]): ITerraformDependable[] {
    const spec = preflight(cors, methods);
    const label = `OPTIONS ${path}`;
    const method = new ApiGatewayMethod(this, `Method ${label}`, {
      restApiId: this.api.id,
      resourceId,
      httpMethod: "OPTIONS",
      authorization: "NONE",
      apiKeyRequired: false,
    });
    const integration = new ApiGatewayIntegration(this, `Integration ${label}`, {
      restApiId: this.api.id,
      resourceId,
      httpMethod: method.httpMethod,
      type: "MOCK",
      requestTemplates: spec.requestTemplates,
      passthroughBehavior: "WHEN_NO_MATCH",
    });
    const mr = new ApiGatewayMethodResponse(this, `MethodResponse ${label} ${spec.statusCode}`, {
      restApiId: this.api.id,
      resourceId,
      httpMethod: method.httpMethod,
      statusCode: spec.statusCode,
      responseParameters: spec.methodResponseParameters,
    });
    const ir = new ApiGatewayIntegrationResponse(this, `IntegrationResponse ${label} ${spec.statusCode}`, {
      restApiId: this.api.id,
      resourceId,
      httpMethod: method.httpMethod,
      statusCode: mr.statusCode,
      responseParameters: spec.integrationResponseParameters,
      responseTemplates: Object.keys(spec.responseTemplates).length > 0 ? escapeMap(spec.responseTemplates) : undefined,
      dependsOn: [integration],
    });
    return [method, integration, mr, ir];
  }

  /**
   * One permission per target actually invoked, scoped to the API, method and path; for a
   * stage-variable target one per (alias, stage) — the stage's own alias only.
   */
  private buildPermissions(def: RouteDefinition, t: LambdaTarget): void {
    const fn = targetFunction(t);
    const tail = executeApiArnTail(def.method, def.path);
    const grants: { qualifier?: string; stage: string }[] = [];
    if (isStageVariableTarget(t)) {
      for (const s of this.stageDefs.values()) grants.push({ qualifier: s.variables[t.variable]!, stage: s.name });
    } else if (isAliasTarget(t)) {
      grants.push({ qualifier: aliasName(t), stage: "*" });
    } else {
      grants.push({ stage: "*" });
    }
    for (const g of grants) {
      // the stage is left out of the readable part when it names the alias too; the hash keeps ids unique
      const shownStage = g.stage === "*" || g.stage === g.qualifier ? "" : g.stage;
      const parts = [this.node.id, def.method, def.path, g.qualifier ?? "", shownStage];
      new LambdaPermission(this, `Permission ${def.method} ${def.path} ${g.qualifier ?? "$LATEST"} ${g.stage}`, {
        statementId: statementId(parts, `${this.node.path}\u0000${g.stage}`),
        action: "lambda:InvokeFunction",
        functionName: fn.functionName,
        qualifier: g.qualifier,
        principal: "apigateway.amazonaws.com",
        sourceArn: `${this.api.executionArn}/${g.stage}/${tail}`,
      });
    }
  }

  private finalGatewayResponses(): Record<string, { statusCode?: string; responseParameters?: Record<string, string>; responseTemplates?: Record<string, string> }> {
    const out: Record<string, { statusCode?: string; responseParameters?: Record<string, string>; responseTemplates?: Record<string, string> }> = {};
    const types = new Set<string>(this.gatewayResponses.keys());
    const corsOn = this.cors && this.cors.gatewayResponses;
    if (corsOn) {
      types.add("DEFAULT_4XX");
      types.add("DEFAULT_5XX");
    }
    for (const type of [...types].sort()) {
      const o = this.gatewayResponses.get(type) ?? {};
      const params: Record<string, string> = {};
      if (corsOn) {
        const headers = {
          ...corsResponseHeaders(this.cors!),
          "Access-Control-Allow-Headers": `'${this.cors!.allowHeaders.join(",")}'`,
        };
        for (const [h, v] of Object.entries(headers)) params[`gatewayresponse.header.${h}`] = v;
      }
      for (const [h, v] of Object.entries(o.headers ?? {})) params[`gatewayresponse.header.${h}`] = `'${v.replace(/'/g, "")}'`;
      out[type] = {
        ...(o.statusCode !== undefined ? { statusCode: o.statusCode } : {}),
        ...(Object.keys(params).length > 0 ? { responseParameters: params } : {}),
        ...(o.templates ? { responseTemplates: escapeMap(o.templates) } : {}),
      };
    }
    return out;
  }
}

/**
 * A Lambda permission statement id: readable parts, sanitized to `[A-Za-z0-9_-]`, plus a
 * hash of the raw parts so distinct routes never collide; at most 100 characters.
 */
export function statementId(parts: readonly string[], salt = ""): string {
  const human = parts
    .filter((p) => p !== "")
    .join("-")
    .replace(/[^A-Za-z0-9_-]+/g, "-")
    .replace(/-+/g, "-")
    .replace(/^-|-$/g, "");
  const hash = shortHash(`${salt}\u0000${parts.join("\u0000")}`, 8);
  return `${human.slice(0, 100 - hash.length - 1)}-${hash}`;
}

/** `{ "$ref": "#/models/Item" }`: a reference to another model of the same API. */
export function modelRef(name: string): { readonly $ref: string } {
  return { $ref: `#/models/${name}` };
}
