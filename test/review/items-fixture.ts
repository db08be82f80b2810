// An items-catalog-shaped stack built from provider classes: one function with `dev` and
// `prod` aliases chosen per stage by the `lambdaAlias` stage variable, a model and validator,
// a mock OPTIONS, a cached and throttled `prod` stage, a usage plan with a key and a quota,
// and a Cognito-protected route. `variant` lets the API diff tests change it.
import { ApiGatewayApiKey } from "@cdktf/provider-aws/lib/api-gateway-api-key";
import { ApiGatewayAuthorizer } from "@cdktf/provider-aws/lib/api-gateway-authorizer";
import { ApiGatewayDeployment } from "@cdktf/provider-aws/lib/api-gateway-deployment";
import { ApiGatewayIntegration } from "@cdktf/provider-aws/lib/api-gateway-integration";
import { ApiGatewayIntegrationResponse } from "@cdktf/provider-aws/lib/api-gateway-integration-response";
import { ApiGatewayMethod } from "@cdktf/provider-aws/lib/api-gateway-method";
import { ApiGatewayMethodResponse } from "@cdktf/provider-aws/lib/api-gateway-method-response";
import { ApiGatewayMethodSettings } from "@cdktf/provider-aws/lib/api-gateway-method-settings";
import { ApiGatewayModel } from "@cdktf/provider-aws/lib/api-gateway-model";
import { ApiGatewayRequestValidator } from "@cdktf/provider-aws/lib/api-gateway-request-validator";
import { ApiGatewayResource } from "@cdktf/provider-aws/lib/api-gateway-resource";
import { ApiGatewayRestApi } from "@cdktf/provider-aws/lib/api-gateway-rest-api";
import { ApiGatewayStage } from "@cdktf/provider-aws/lib/api-gateway-stage";
import { ApiGatewayUsagePlan } from "@cdktf/provider-aws/lib/api-gateway-usage-plan";
import { ApiGatewayUsagePlanKey } from "@cdktf/provider-aws/lib/api-gateway-usage-plan-key";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { LambdaAlias } from "@cdktf/provider-aws/lib/lambda-alias";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformStack, type App } from "cdktf";
import { applyPolicy, suppress } from "../../modules/policy";

export interface ItemsVariant {
  /** Add `DELETE /items/{ID}`. */
  readonly addDelete?: boolean;
  /** `GET /items` no longer requires an API key. */
  readonly dropListApiKey?: boolean;
  /** Change the usage plan quota. */
  readonly quota?: number;
  /** Remove `GET /items/{ID}`. */
  readonly removeGetItem?: boolean;
  /** The Item model (POST /items body) gains a required `sku`. */
  readonly requireSku?: boolean;
  /** The Item model's `price` becomes a string. */
  readonly priceAsString?: boolean;
  /** The Item model's `category` enum. */
  readonly categories?: readonly string[];
}

export function itemsStack(app: App, id = "items-catalog-dev", variant: ItemsVariant = {}): TerraformStack {
  const stack = new TerraformStack(app, id);
  new AwsProvider(stack, "aws", { region: "us-east-1" });
  applyPolicy(stack);

  const role = new IamRole(stack, "ItemsRole", {
    name: "dev-ItemsFunction",
    assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] }),
  });
  const fnLogs = new CloudwatchLogGroup(stack, "ItemsLogs", { name: "/aws/lambda/dev-ItemsFunction", retentionInDays: 14 });
  new IamRolePolicy(stack, "ItemsPolicy", {
    role: role.id,
    name: "least-privilege",
    policy: JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `${fnLogs.arn}:*` },
        { Effect: "Allow", Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], Resource: "*" },
      ],
    }),
  });
  const fn = new LambdaFunction(stack, "ItemsFunction", {
    functionName: "dev-ItemsFunction",
    role: role.arn,
    runtime: "nodejs22.x",
    handler: "index.handler",
    filename: "items.zip",
    memorySize: 256,
    timeout: 10,
    publish: true,
    tracingConfig: { mode: "Active" },
  });
  suppress(fn, "LMB6", "Concurrency is bounded by the stage throttle and usage plan.");
  new LambdaAlias(stack, "DevAlias", { name: "dev", functionName: fn.functionName, functionVersion: "$LATEST" });
  new LambdaAlias(stack, "ProdAlias", { name: "prod", functionName: fn.functionName, functionVersion: fn.version });

  const api = new ApiGatewayRestApi(stack, "ItemsAPI", { name: "ItemsAPI", endpointConfiguration: { types: ["REGIONAL"] } });
  const items = new ApiGatewayResource(stack, "ItemsResource", { restApiId: api.id, parentId: api.rootResourceId, pathPart: "items" });
  const item = new ApiGatewayResource(stack, "ItemResource", { restApiId: api.id, parentId: items.id, pathPart: "{ID}" });
  const model = new ApiGatewayModel(stack, "ItemModel", {
    restApiId: api.id,
    name: "Item",
    contentType: "application/json",
    schema: JSON.stringify({
      $schema: "http://json-schema.org/draft-04/schema#",
      title: "Item",
      type: "object",
      required: ["ID", "name", ...(variant.requireSku ? ["sku"] : [])],
      properties: {
        ID: { type: "number" },
        name: { type: "string", minLength: 1 },
        price: variant.priceAsString ? { type: "string" } : { type: ["number", "null"], minimum: 0 },
        category: { type: "string", enum: variant.categories ?? ["pens", "paper", "ink"] },
        ...(variant.requireSku ? { sku: { type: "string" } } : {}),
      },
      additionalProperties: false,
    }),
  });
  new ApiGatewayModel(stack, "ItemsModel", {
    restApiId: api.id,
    name: "Items",
    contentType: "application/json",
    schema: JSON.stringify({
      $schema: "http://json-schema.org/draft-04/schema#",
      type: "array",
      items: { $ref: `https://apigateway.amazonaws.com/restapis/${api.id}/models/Item` },
    }),
  });
  const validator = new ApiGatewayRequestValidator(stack, "BodyValidator", { restApiId: api.id, name: "body-only", validateRequestBody: true });
  const authorizer = new ApiGatewayAuthorizer(stack, "Cognito", {
    restApiId: api.id,
    name: "ItemsUsers",
    type: "COGNITO_USER_POOLS",
    providerArns: ["arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_abc"],
    identitySource: "method.request.header.Authorization",
  });
  const stageAliasUri = `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${fn.arn}:$\${stageVariables.lambdaAlias}/invocations`;

  const deps = [];
  const addLambda = (id: string, resourceId: string, method: string, extra: Partial<ConstructorParameters<typeof ApiGatewayMethod>[2]>) => {
    const m = new ApiGatewayMethod(stack, `${id}Method`, { restApiId: api.id, resourceId, httpMethod: method, authorization: "NONE", ...extra });
    const i = new ApiGatewayIntegration(stack, `${id}Integration`, {
      restApiId: api.id,
      resourceId,
      httpMethod: m.httpMethod,
      type: "AWS",
      integrationHttpMethod: "POST",
      uri: stageAliasUri,
      requestTemplates: { "application/json": '{"id": "$input.params(\'ID\')"}' },
      passthroughBehavior: "WHEN_NO_TEMPLATES",
    });
    new ApiGatewayMethodResponse(stack, `${id}200`, { restApiId: api.id, resourceId, httpMethod: m.httpMethod, statusCode: "200", responseModels: { "application/json": "Empty" } });
    new ApiGatewayIntegrationResponse(stack, `${id}Response`, { restApiId: api.id, resourceId, httpMethod: m.httpMethod, statusCode: "200", dependsOn: [i] });
    deps.push(i);
    return m;
  };
  addLambda("ListItems", items.id, "GET", { apiKeyRequired: !variant.dropListApiKey });
  addLambda("PostItem", items.id, "POST", { apiKeyRequired: true, requestModels: { "application/json": model.name }, requestValidatorId: validator.id });
  if (!variant.removeGetItem) addLambda("GetItem", item.id, "GET", { apiKeyRequired: true, requestParameters: { "method.request.path.ID": true } });
  addLambda("PutItem", item.id, "PUT", { authorization: "COGNITO_USER_POOLS", authorizerId: authorizer.id });
  if (variant.addDelete) addLambda("DeleteItem", item.id, "DELETE", { apiKeyRequired: true });
  const options = new ApiGatewayMethod(stack, "ItemsOptions", { restApiId: api.id, resourceId: items.id, httpMethod: "OPTIONS", authorization: "NONE" });
  deps.push(new ApiGatewayIntegration(stack, "ItemsOptionsIntegration", { restApiId: api.id, resourceId: items.id, httpMethod: options.httpMethod, type: "MOCK", requestTemplates: { "application/json": '{"statusCode": 200}' } }));

  const deployment = new ApiGatewayDeployment(stack, "Deployment", { restApiId: api.id, dependsOn: deps, lifecycle: { createBeforeDestroy: true } });
  const stages: Record<string, ApiGatewayStage> = {};
  for (const name of ["dev", "prod"]) {
    const logs = new CloudwatchLogGroup(stack, `${name}AccessLogs`, { name: `/aws/apigateway/ItemsAPI/${name}`, retentionInDays: 14 });
    const stage = (stages[name] = new ApiGatewayStage(stack, `${name}Stage`, {
      restApiId: api.id,
      deploymentId: deployment.id,
      stageName: name,
      variables: { lambdaAlias: name },
      xrayTracingEnabled: true,
      cacheClusterEnabled: name === "prod",
      ...(name === "prod" ? { cacheClusterSize: "0.5" } : {}),
      accessLogSettings: { destinationArn: logs.arn, format: '{"requestId":"$context.requestId"}' },
    }));
    suppress(stage, "APIG9", "WAF is attached by the platform team's firewall manager policy.");
    new ApiGatewayMethodSettings(stack, `${name}All`, {
      restApiId: api.id,
      stageName: stage.stageName,
      methodPath: "*/*",
      settings: {
        loggingLevel: "ERROR",
        metricsEnabled: true,
        throttlingRateLimit: name === "prod" ? 10000 : 100,
        throttlingBurstLimit: name === "prod" ? 5000 : 50,
        ...(name === "prod" ? { cachingEnabled: false, cacheDataEncrypted: true } : {}),
      },
    });
    if (name === "prod") {
      new ApiGatewayMethodSettings(stack, "prodGetItem", {
        restApiId: api.id,
        stageName: stage.stageName,
        methodPath: "~1items~1{ID}/GET",
        settings: { cachingEnabled: true, cacheTtlInSeconds: 3600, cacheDataEncrypted: true, throttlingRateLimit: 10000, throttlingBurstLimit: 5000 },
      });
    }
  }
  const plan = new ApiGatewayUsagePlan(stack, "Plan", {
    name: "CloudAcademyPlan",
    apiStages: [
      { apiId: api.id, stage: stages.dev!.stageName },
      { apiId: api.id, stage: stages.prod!.stageName, throttle: [{ path: "/items/GET", rateLimit: 50, burstLimit: 10 }] },
    ],
    quotaSettings: { limit: variant.quota ?? 1000, period: "DAY" },
    throttleSettings: { rateLimit: 100, burstLimit: 200 },
  });
  const key = new ApiGatewayApiKey(stack, "LabKey", { name: "LabKey" });
  new ApiGatewayUsagePlanKey(stack, "PlanKey", { keyId: key.id, keyType: "API_KEY", usagePlanId: plan.id });
  return stack;
}
