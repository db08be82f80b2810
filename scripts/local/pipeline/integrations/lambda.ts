/**
 * What the Lambda integrations (AWS, AWS_PROXY) share: the function the URI names (stage
 * variables substituted, alias or version resolved), the `aws_lambda_permission` check, and
 * the invocation under the integration's timeout.
 */
import { functionArnOf, permitted, resolveTarget, substituteStageVariables, type LambdaTarget } from "../../lambda";
import type { InvokeResult } from "../../workers";
import { sourceArnsOf } from "../arn";
import { GatewayError } from "../errors";
import type { Invocation } from "../invocation";
import { invokeFunction } from "../invoke";

/** The function to invoke; a 500 API_CONFIGURATION_ERROR when it is unknown or API Gateway may not invoke it. */
export function lambdaTarget(inv: Invocation): LambdaTarget {
  const { gw, api, stage, ctx } = inv;
  const uri = substituteStageVariables(inv.method!.integration!.uri ?? "", stage.variables);
  const arn = functionArnOf(uri);
  const target = arn ? resolveTarget(gw.model.functions, arn) : undefined;
  if (!target) {
    ctx.integrationErrorMessage = `Lambda function not found: ${arn ?? uri}`;
    gw.notice(`[${api.stack}/${stage.name}] ${inv.methodPath}: ${ctx.integrationErrorMessage}`);
    throw new GatewayError("API_CONFIGURATION_ERROR");
  }
  if (!permitted(gw.model.permissions, target, sourceArnsOf(inv))) {
    ctx.integrationErrorMessage = "Execution failed due to configuration error: Invalid permissions on Lambda function";
    gw.notice(`[${api.stack}/${stage.name}] ${inv.methodPath}: ${ctx.integrationErrorMessage} (${target.invokedArn})`);
    throw new GatewayError("API_CONFIGURATION_ERROR");
  }
  return target;
}

/** Invokes the target; past the integration's timeout, 504 Endpoint request timed out. */
export async function invokeIntegration(inv: Invocation, target: LambdaTarget, event: unknown): Promise<InvokeResult> {
  const result = await invokeFunction(inv, target, event, inv.method!.integration!.timeoutMs);
  if (result === "integration-timeout") {
    inv.ctx.integrationErrorMessage = "Endpoint request timed out";
    throw new GatewayError("INTEGRATION_TIMEOUT");
  }
  return result;
}
