/**
 * Step: response mapping. A proxy integration's answer is the method response; otherwise the
 * integration response is selected (status code or error message, matched in full) and its
 * template and parameters make the method response.
 */
import { methodResponse, selectResponse } from "../integrations";
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
  inv.response = methodResponse(scopeOf(inv), chosen, out.body, out.headers);
}
