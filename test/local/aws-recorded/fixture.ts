/**
 * Synthesizes the recorded cases' APIs: one stack `<name>-recorded` per ApiSpec, built with
 * the provider classes and a real cdktf App, with the handler zips of `handlers/`.
 */
import { ApiGatewayApiKey } from "@cdktf/provider-aws/lib/api-gateway-api-key";
import { ApiGatewayAuthorizer } from "@cdktf/provider-aws/lib/api-gateway-authorizer";
import { ApiGatewayDeployment } from "@cdktf/provider-aws/lib/api-gateway-deployment";
import { ApiGatewayGatewayResponse } from "@cdktf/provider-aws/lib/api-gateway-gateway-response";
import { ApiGatewayIntegration } from "@cdktf/provider-aws/lib/api-gateway-integration";
import { ApiGatewayIntegrationResponse } from "@cdktf/provider-aws/lib/api-gateway-integration-response";
import { ApiGatewayMethod } from "@cdktf/provider-aws/lib/api-gateway-method";
import { ApiGatewayMethodResponse } from "@cdktf/provider-aws/lib/api-gateway-method-response";
import { ApiGatewayModel } from "@cdktf/provider-aws/lib/api-gateway-model";
import { ApiGatewayRequestValidator } from "@cdktf/provider-aws/lib/api-gateway-request-validator";
import { ApiGatewayResource } from "@cdktf/provider-aws/lib/api-gateway-resource";
import { ApiGatewayRestApi } from "@cdktf/provider-aws/lib/api-gateway-rest-api";
import { ApiGatewayStage } from "@cdktf/provider-aws/lib/api-gateway-stage";
import { ApiGatewayUsagePlan } from "@cdktf/provider-aws/lib/api-gateway-usage-plan";
import { ApiGatewayUsagePlanKey } from "@cdktf/provider-aws/lib/api-gateway-usage-plan-key";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { AssetType, TerraformAsset, TerraformStack, type ITerraformDependable } from "cdktf";
import type { Construct } from "constructs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildHandlerZip, synthFixtureApp, type FixtureOutput } from "../fixtures/stacks";
import type { ApiSpec, FixtureFunction, RouteSpec } from "./types";

const here = dirname(fileURLToPath(import.meta.url));
const FUNCTIONS: readonly (FixtureFunction | "authorizer")[] = ["event", "from-body", "echo", "throw", "slow", "authorizer"];

/** The API key of every `apiKeyRequired` route. */
export const RECORDED_API_KEY = "recorded-api-key-0123456789abcdef";

/** A stable construct id from a route: `GET /vtl/{id}` → `GET_vtl_id`. */
const idOf = (text: string) => text.replace(/[^A-Za-z0-9]+/g, "_");

class RecordedStack extends TerraformStack {
  private readonly functions = new Map<string, LambdaFunction>();

  constructor(
    scope: Construct,
    id: string,
    private readonly spec: ApiSpec,
    private readonly zips: ReadonlyMap<string, string>,
    upstream: string,
  ) {
    super(scope, id);
    new AwsProvider(this, "aws", { region: "us-east-1" });
    const api = new ApiGatewayRestApi(this, "Api", { name: spec.name, binaryMediaTypes: spec.binaryMediaTypes ? [...spec.binaryMediaTypes] : undefined });
    const resources = new Map<string, string>([["/", api.rootResourceId]]);
    const resourceFor = (path: string): string => {
      const known = resources.get(path);
      if (known) return known;
      const cut = path.lastIndexOf("/");
      const parent = resourceFor(cut === 0 ? "/" : path.slice(0, cut));
      const created = new ApiGatewayResource(this, `Res${idOf(path)}`, { restApiId: api.id, parentId: parent, pathPart: path.slice(cut + 1) }).id;
      resources.set(path, created);
      return created;
    };
    let authorizerId: string | undefined;
    const deps: ITerraformDependable[] = [];
    for (const [name, schema] of Object.entries(spec.models ?? {})) {
      deps.push(new ApiGatewayModel(this, `Model${idOf(name)}`, { restApiId: api.id, name, contentType: "application/json", schema: JSON.stringify(schema).replace(/\{apiId\}/g, api.id) }));
    }
    const validators = new Map<string, string>();
    const validatorFor = (kind: "body" | "params" | "all") => {
      let id = validators.get(kind);
      if (!id) {
        id = new ApiGatewayRequestValidator(this, `Validator${kind}`, { restApiId: api.id, name: kind, validateRequestBody: kind !== "params", validateRequestParameters: kind !== "body" }).id;
        validators.set(kind, id);
      }
      return id;
    };
    let keyed = false;
    for (const route of spec.routes) {
      const resourceId = resourceFor(route.path);
      if (route.tokenAuthorizer && !authorizerId) {
        const fn = this.fn("authorizer", true, `${api.executionArn}/authorizers/*`);
        authorizerId = new ApiGatewayAuthorizer(this, "TokenAuth", { restApiId: api.id, name: "TokenAuth", type: "TOKEN", authorizerUri: fn.invokeArn, identitySource: "method.request.header.Authorization", authorizerResultTtlInSeconds: 0 }).id;
      }
      keyed ||= route.apiKeyRequired === true;
      deps.push(...this.route(api, resourceId, route, route.tokenAuthorizer ? authorizerId : undefined, upstream, route.validate ? validatorFor(route.validate) : undefined));
    }
    for (const gr of spec.gatewayResponses ?? []) {
      new ApiGatewayGatewayResponse(this, `Gw${gr.type}`, { restApiId: api.id, responseType: gr.type, statusCode: gr.statusCode, responseParameters: gr.responseParameters, responseTemplates: gr.responseTemplates });
    }
    const deployment = new ApiGatewayDeployment(this, "Deployment", { restApiId: api.id, triggers: { redeploy: "1" }, lifecycle: { createBeforeDestroy: true }, dependsOn: deps });
    const stage = new ApiGatewayStage(this, "Stage", { restApiId: api.id, deploymentId: deployment.id, stageName: spec.stage, variables: spec.stageVariables ? { ...spec.stageVariables } : undefined });
    if (keyed) {
      const key = new ApiGatewayApiKey(this, "Key", { name: "RecordedKey", value: RECORDED_API_KEY });
      const plan = new ApiGatewayUsagePlan(this, "Plan", { name: `${spec.name}-plan`, apiStages: [{ apiId: api.id, stage: stage.stageName }] });
      new ApiGatewayUsagePlanKey(this, "PlanKey", { keyId: key.id, keyType: "API_KEY", usagePlanId: plan.id });
    }
  }

  /** One function per handler and permission choice; `sourceArn` undefined: no permission at all. */
  private fn(name: FixtureFunction | "authorizer", permitted: boolean, sourceArn: string): LambdaFunction {
    const key = `${name}${permitted ? "" : "-noperm"}`;
    let fn = this.functions.get(key);
    if (!fn) {
      const asset = new TerraformAsset(this, `Asset${idOf(key)}`, { path: this.zips.get(name)!, type: AssetType.FILE });
      fn = new LambdaFunction(this, `Fn${idOf(key)}`, { functionName: `${this.spec.name}-${key}`, filename: asset.path, handler: "index.handler", runtime: "nodejs22.x", role: "arn:aws:iam::111111111111:role/lambda", timeout: 5 });
      if (permitted) new LambdaPermission(this, `Perm${idOf(key)}`, { statementId: "apigw", action: "lambda:InvokeFunction", functionName: fn.functionName, principal: "apigateway.amazonaws.com", sourceArn });
      this.functions.set(key, fn);
    }
    return fn;
  }

  private route(api: ApiGatewayRestApi, resourceId: string, route: RouteSpec, authorizerId: string | undefined, upstream: string, validatorId: string | undefined): ITerraformDependable[] {
    const mid = idOf(`${route.method} ${route.path}`);
    const method = new ApiGatewayMethod(this, `M${mid}`, {
      restApiId: api.id,
      resourceId,
      httpMethod: route.method,
      authorization: authorizerId ? "CUSTOM" : "NONE",
      authorizerId,
      apiKeyRequired: route.apiKeyRequired ?? false,
      requestParameters: route.requestParameters,
      requestModels: route.requestModel ? { "application/json": route.requestModel } : undefined,
      requestValidatorId: validatorId,
    });
    const spec = route.integration;
    const common = { restApiId: api.id, resourceId, httpMethod: method.httpMethod, requestParameters: spec.requestParameters };
    let integration: ApiGatewayIntegration;
    if (spec.type === "MOCK") {
      integration = new ApiGatewayIntegration(this, `I${mid}`, { ...common, type: "MOCK", requestTemplates: spec.requestTemplates });
    } else if (spec.type === "AWS_PROXY" || spec.type === "AWS") {
      const fn = this.fn(spec.fn, spec.permission ?? true, `${api.executionArn}/*/*/*`);
      integration = new ApiGatewayIntegration(this, `I${mid}`, {
        ...common,
        type: spec.type,
        integrationHttpMethod: spec.type === "AWS_PROXY" ? (spec.integrationHttpMethod ?? "POST") : "POST",
        uri: fn.invokeArn,
        requestTemplates: spec.type === "AWS" ? spec.requestTemplates : undefined,
        passthroughBehavior: spec.type === "AWS" ? spec.passthroughBehavior : undefined,
        timeoutMilliseconds: spec.timeoutMs,
      });
    } else {
      integration = new ApiGatewayIntegration(this, `I${mid}`, { ...common, type: spec.type, integrationHttpMethod: spec.integrationHttpMethod, uri: `http://${upstream}${spec.upstreamPath}`, requestTemplates: spec.requestTemplates });
    }
    const deps: ITerraformDependable[] = [method, integration];
    if (spec.type === "AWS_PROXY" || spec.type === "HTTP_PROXY") return deps;
    for (const r of route.responses ?? [{ statusCode: "200" }]) {
      const methodParams = Object.fromEntries(Object.keys(r.responseParameters ?? {}).map((k) => [k, true]));
      const mr = new ApiGatewayMethodResponse(this, `MR${mid}${r.statusCode}`, { restApiId: api.id, resourceId, httpMethod: method.httpMethod, statusCode: r.statusCode, responseParameters: methodParams });
      deps.push(
        new ApiGatewayIntegrationResponse(this, `IR${mid}${r.statusCode}`, {
          restApiId: api.id,
          resourceId,
          httpMethod: method.httpMethod,
          statusCode: mr.statusCode,
          selectionPattern: r.selectionPattern,
          responseTemplates: r.responseTemplates,
          responseParameters: r.responseParameters,
          dependsOn: [integration],
        }),
      );
    }
    return deps;
  }
}

/** Synthesizes every API of the suites into a fresh temporary folder; `upstream` is the loopback echo server's `host:port`. */
export function synthRecordedFixture(apis: readonly ApiSpec[], upstream: string): Promise<FixtureOutput> {
  return synthFixtureApp("gateway-recorded-", async (app, zipDir) => {
    const zips = new Map<string, string>();
    for (const name of FUNCTIONS) zips.set(name, await buildHandlerZip(name, zipDir, join(here, "handlers")));
    for (const spec of apis) new RecordedStack(app, `${spec.name}-recorded`, spec, zips, upstream);
  });
}
