/**
 * Step: response mapping. A proxy integration's answer is the method response; otherwise the
 * integration response is selected (status code or error message, matched in full) and its
 * template and parameters make the method response.
 */
import { responseHeaderName } from "../headers";
import { methodResponse, selectResponse } from "../integrations";
import { existingOverrides } from "../vtl";
import { GatewayError } from "./errors";
import { scopeOf, type Invocation } from "./invocation";

export function mapResponse(inv: Invocation): void {
  const out = inv.integration;
  if (!out) throw new GatewayError("API_CONFIGURATION_ERROR");
  if (out.kind === "response") {
    inv.response = out.response;
    return;
  }
  const chosen = selectResponse(inv.method!.integration!.responses, out.selector);
  if (!chosen) throw new GatewayError("API_CONFIGURATION_ERROR");
  const response = methodResponse(scopeOf(inv), chosen, out.body, out.headers);
  applyResponseOverride(inv, response);
  inv.response = response;
}

/**
 * `$context.responseOverride.status` and `.header.<name>`, set by the request or the response
 * template, replace the method response's (recorded: LocalStack's AWS-validated
 * `test_integration_mock_with_response_override_in_request_template`; AWS's override guide).
 */
function applyResponseOverride(inv: Invocation, response: { status: number; headers: Record<string, string | string[]> }): void {
  const { responseOverride } = existingOverrides(inv.ctx);
  if (!responseOverride) return;
  const status = Number(responseOverride.status);
  if (responseOverride.status !== undefined && responseOverride.status !== "" && Number.isInteger(status) && status >= 100 && status <= 599) response.status = status;
  for (const [name, value] of Object.entries(responseOverride.header)) {
    const sent = responseHeaderName(name);
    if (sent === undefined || value === undefined || value === null) continue;
    for (const k of Object.keys(response.headers)) if (k.toLowerCase() === sent.toLowerCase()) delete response.headers[k];
    response.headers[sent] = Array.isArray(value) ? value.map(String).join(",") : String(value);
  }
}
