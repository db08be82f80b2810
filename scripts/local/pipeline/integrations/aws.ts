/**
 * AWS (Lambda, non-proxy): the request template for the content type (or passthrough) makes
 * the event; the function's result, or its error as `{errorMessage, errorType}`, goes to
 * response mapping, where the error message selects the integration response.
 */
import { chooseRequestTemplate, render } from "../../integrations";
import { GatewayError } from "../errors";
import { scopeOf, type Invocation, type IntegrationOutput } from "../invocation";
import { invokeIntegration, lambdaTarget } from "./lambda";
import { refuseMappedHeaders } from "./request-parameters";

export async function aws(inv: Invocation): Promise<IntegrationOutput> {
  const { req, ctx } = inv;
  const integration = inv.method!.integration!;
  refuseMappedHeaders(inv);
  const target = lambdaTarget(inv);
  const choice = chooseRequestTemplate(integration, req);
  if (choice.kind === "unsupported") throw new GatewayError("UNSUPPORTED_MEDIA_TYPE");
  const payload = choice.kind === "template" ? render(choice.template, scopeOf(inv), req.body.toString("utf8")) : req.body.toString("utf8");
  let event: unknown;
  try {
    event = payload.trim() === "" ? {} : JSON.parse(payload);
  } catch {
    ctx.integrationErrorMessage = "Lambda rejected a payload that is not JSON";
    throw new GatewayError("API_CONFIGURATION_ERROR");
  }
  const result = await invokeIntegration(inv, target, event);
  if (result.ok) return { kind: "mapped", selector: undefined, body: result.payload, headers: {} };
  ctx.integrationErrorMessage = result.error.errorMessage;
  const body = JSON.stringify({ errorMessage: result.error.errorMessage, errorType: result.error.errorType, ...(result.error.trace ? { stackTrace: result.error.trace } : {}) });
  return { kind: "mapped", selector: result.error.errorMessage, body, headers: {} };
}
