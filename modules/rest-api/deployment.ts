/**
 * The deployment: `aws_api_gateway_deployment` with `create_before_destroy`, redeployed
 * when, and only when, the API's definition changes. A stage serves the snapshot of the
 * API taken by its deployment: "every time you update an API, you must redeploy the API"
 * (AWS API Gateway developer guide, "Deploy REST APIs in API Gateway").
 * So `triggers.redeployment` is a SHA-256 of everything a deployment snapshots, and
 * `depends_on` lists every resource that must exist before the snapshot is taken.
 */
import { ApiGatewayDeployment } from "@cdktf/provider-aws/lib/api-gateway-deployment";
import type { ApiGatewayRestApi } from "@cdktf/provider-aws/lib/api-gateway-rest-api";
import { dependable, type ITerraformDependable } from "cdktf";
import type { Construct } from "constructs";
import type { ResolvedCors } from "./cors";
import type { GatewayResponseDefinition } from "./gateway-response";
import { deploymentHash } from "./hash";
import { integrationHashInput } from "./integrations/registry";
import { stableDeep, stableText } from "./terraform-text";
import type { AuthorizerDefinition, ResolvedStage, RouteDefinition } from "./types";

export function renderDeployment(scope: Construct, api: ApiGatewayRestApi, description: string | undefined): ApiGatewayDeployment {
  return new ApiGatewayDeployment(scope, "Deployment", {
    restApiId: api.id,
    description,
    lifecycle: { createBeforeDestroy: true },
  });
}

/** What the deployment snapshots, as the API knows it at synth. */
export interface RedeploymentSources {
  readonly routes: Iterable<RouteDefinition>;
  /** The stages: which alias a stage-variable target reaches in each. */
  readonly stages: readonly ResolvedStage[];
  readonly cors: ResolvedCors | undefined;
  readonly models: Record<string, unknown>;
  readonly authorizers: readonly AuthorizerDefinition[];
  readonly gatewayResponses: Record<string, GatewayResponseDefinition>;
  readonly policy: string | undefined;
  readonly binaryMediaTypes: readonly string[];
  readonly minimumCompressionSize: number | undefined;
  readonly apiKeySource: string | undefined;
}

/**
 * Everything whose change needs a redeployment, as plain data: routes (methods,
 * integrations, templates, parameters, models, validators, authorization), CORS, models,
 * authorizers, gateway responses, policy, binary media types. Terraform references
 * appear as their expressions (`${aws_lambda_function.x.arn}`), never as token ids.
 */
export function redeploymentInputs(scope: Construct, x: RedeploymentSources): unknown {
  const stable = (text: string) => stableText(scope, text);
  return stableDeep(scope, {
    routes: [...x.routes]
      // method settings (cache, throttle) apply without a redeployment: left out
      .map(({ cache: _cache, throttle: _throttle, ...r }) => ({ ...r, integration: integrationHashInput(r.integration, { stable, stages: x.stages }) }))
      .sort((a, b) => `${a.path} ${a.method}`.localeCompare(`${b.path} ${b.method}`)),
    cors: x.cors ?? null,
    models: x.models,
    authorizers: x.authorizers,
    gatewayResponses: x.gatewayResponses,
    policy: x.policy === undefined ? null : stable(x.policy),
    binaryMediaTypes: x.binaryMediaTypes.map(stable),
    minimumCompressionSize: x.minimumCompressionSize ?? null,
    apiKeySource: x.apiKeySource ?? "HEADER",
  });
}

/** Sets the trigger (SHA-256 of the inputs) and the resources the snapshot waits for. */
export function finishDeployment(deployment: ApiGatewayDeployment, inputs: unknown, dependsOn: readonly ITerraformDependable[]): void {
  deployment.triggers = { redeployment: deploymentHash(inputs) };
  deployment.dependsOn = dependsOn.map((d) => dependable(d));
}
