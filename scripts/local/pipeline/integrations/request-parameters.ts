/**
 * `integration.request.header.*` mappings API Gateway refuses when the request runs: the
 * length and transfer headers for every integration, and for Lambda also Authorization,
 * Connection, Expect, Proxy-Authenticate and TE (recorded: 500 Internal server error).
 */
import { refusedMappedHeaders } from "../../headers";
import { GatewayError } from "../errors";
import type { Invocation } from "../invocation";

export function refuseMappedHeaders(inv: Invocation): void {
  const integration = inv.method!.integration!;
  const refused = refusedMappedHeaders(integration.type);
  for (const target of Object.keys(integration.requestParameters)) {
    const m = /^integration\.request\.header\.(.+)$/.exec(target);
    if (m && refused.has(m[1]!.toLowerCase())) {
      inv.ctx.integrationErrorMessage = `Execution failed due to configuration error: ${m[1]} may not be mapped`;
      throw new GatewayError("API_CONFIGURATION_ERROR");
    }
  }
}
