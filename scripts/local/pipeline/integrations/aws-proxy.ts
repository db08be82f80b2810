/**
 * AWS_PROXY: the Lambda proxy integration. The v1 event goes to the function and its answer
 * is the method response; a failure or a malformed answer is 502.
 */
import { proxyResponse } from "../../integrations";
import { proxyEvent } from "../../request";
import { GatewayError } from "../errors";
import type { Invocation, IntegrationOutput } from "../invocation";
import { invokeIntegration, lambdaTarget } from "./lambda";

export async function awsProxy(inv: Invocation): Promise<IntegrationOutput> {
  const { gw, api, stage, ctx } = inv;
  const target = lambdaTarget(inv);
  const result = await invokeIntegration(inv, target, proxyEvent(api, stage, inv.method!, inv.req, ctx, inv.pathParameters));
  if (!result.ok) {
    ctx.integrationErrorMessage = `${result.error.errorType}: ${result.error.errorMessage}`;
    gw.notice(`[${api.stack}/${stage.name}] ${target.fn.functionName}: ${ctx.integrationErrorMessage}`);
    throw new GatewayError("INTEGRATION_FAILURE");
  }
  const response = proxyResponse(result.payload);
  if (!response) {
    ctx.integrationErrorMessage = "Malformed Lambda proxy response";
    gw.notice(`[${api.stack}/${stage.name}] ${target.fn.functionName}: malformed Lambda proxy response: ${result.payload.slice(0, 200)}`);
    throw new GatewayError("INTEGRATION_FAILURE");
  }
  return { kind: "response", response };
}
