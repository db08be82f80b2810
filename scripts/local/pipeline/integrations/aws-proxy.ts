/**
 * AWS_PROXY: the Lambda proxy integration. The v1 event goes to the function and its answer
 * is the method response; a failure or a malformed answer is 502, a binary answer whose body
 * is not base64 500. API Gateway calls Lambda with POST: another integration method fails.
 */
import { proxyEvent } from "../../proxy-event";
import { proxyAnswer } from "../../proxy-response";
import { acceptsBinary, header } from "../../request";
import { GatewayError } from "../errors";
import type { Invocation, IntegrationOutput } from "../invocation";
import { invokeIntegration, lambdaTarget } from "./lambda";
import { refuseMappedHeaders } from "./request-parameters";

export async function awsProxy(inv: Invocation): Promise<IntegrationOutput> {
  const { gw, api, stage, ctx } = inv;
  const integration = inv.method!.integration!;
  refuseMappedHeaders(inv);
  if ((integration.httpMethod ?? "POST").toUpperCase() !== "POST") {
    // Recorded: an AWS_PROXY integration with integrationHttpMethod GET answers 500 (INTEGRATION_FAILURE customised or not).
    ctx.integrationErrorMessage = `Lambda is invoked with POST, not ${integration.httpMethod}`;
    throw new GatewayError("INTEGRATION_FAILURE", undefined, undefined, 500);
  }
  const target = lambdaTarget(inv);
  // The answer is parsed anyway: asked for as a value, a plain-data one comes without JSON text.
  const result = await invokeIntegration(inv, target, proxyEvent(api, stage, inv.method!, inv.req, ctx, inv.pathParameters), "value");
  if (!result.ok) {
    ctx.integrationErrorMessage = `${result.error.errorType}: ${result.error.errorMessage}`;
    gw.notice(`[${api.stack}/${stage.name}] ${target.fn.functionName}: ${ctx.integrationErrorMessage}`);
    throw new GatewayError("INTEGRATION_FAILURE");
  }
  const answer = proxyAnswer(result.value, acceptsBinary(api, header(inv.req, "accept")));
  if (!answer.ok) {
    ctx.integrationErrorMessage = answer.reason === "malformed" ? "Malformed Lambda proxy response" : "Unable to base64-decode the Lambda proxy response body";
    gw.notice(`[${api.stack}/${stage.name}] ${target.fn.functionName}: ${ctx.integrationErrorMessage}: ${String(JSON.stringify(result.value)).slice(0, 200)}`);
    throw answer.reason === "malformed" ? new GatewayError("INTEGRATION_FAILURE") : new GatewayError("API_CONFIGURATION_ERROR");
  }
  return { kind: "response", response: answer.response };
}
