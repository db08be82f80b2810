/**
 * What the Lambda integrations (AWS, AWS_PROXY) share: the function the URI names (stage
 * variables substituted, alias or version resolved), the `aws_lambda_permission` check, and
 * the invocation under the integration's timeout.
 */
import { functionArnOf, permitted, resolveTarget, substituteStageVariables, type LambdaTarget } from "../../lambda";
import type { InvokeResult, ValueResult } from "../../workers";
import { sourceArnsOf } from "../arn";
import { GatewayError } from "../errors";
import type { Invocation } from "../invocation";
import { invokeFunction } from "../invoke";

/**
 * Targets that resolved and were permitted, by model (a reload brings a new one), stage, method
 * and path as requested: resolving an ARN and matching every permission's `source_arn` glob is
 * the same work for the same request line.
 */
const permittedTargets = new WeakMap<object, Map<string, LambdaTarget>>();

/** The function to invoke; a 500 API_CONFIGURATION_ERROR when it is unknown or API Gateway may not invoke it. */
export function lambdaTarget(inv: Invocation): LambdaTarget {
  let byRequest = permittedTargets.get(inv.gw.model);
  if (!byRequest) permittedTargets.set(inv.gw.model, (byRequest = new Map()));
  const key = `${inv.api.id}\u0000${inv.stage.name}\u0000${inv.methodPath}\u0000${inv.req.path}`;
  let target = byRequest.get(key);
  if (!target) {
    target = resolvePermitted(inv);
    // Paths as requested are unbounded: keep the map from growing without limit.
    if (byRequest.size > 10_000) byRequest.clear();
    byRequest.set(key, target);
  }
  return target;
}

function resolvePermitted(inv: Invocation): LambdaTarget {
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
export function invokeIntegration(inv: Invocation, target: LambdaTarget, event: unknown): Promise<InvokeResult>;
/** The same, with the result as a value (what parsing the payload would give). */
export function invokeIntegration(inv: Invocation, target: LambdaTarget, event: unknown, answer: "value"): Promise<ValueResult>;
export async function invokeIntegration(inv: Invocation, target: LambdaTarget, event: unknown, answer?: "value"): Promise<InvokeResult | ValueResult> {
  const timeoutMs = inv.method!.integration!.timeoutMs;
  const result = answer ? await invokeFunction(inv, target, event, timeoutMs, answer) : await invokeFunction(inv, target, event, timeoutMs);
  if (result === "integration-timeout") {
    inv.ctx.integrationErrorMessage = "Endpoint request timed out";
    throw new GatewayError("INTEGRATION_TIMEOUT");
  }
  return result;
}
