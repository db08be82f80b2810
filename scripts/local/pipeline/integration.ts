/** Step: integration. Runs the method's integration from the registry by type. */
import { GatewayError } from "./errors";
import { INTEGRATIONS } from "./integrations/index";
import type { Invocation } from "./invocation";

export function integrate(inv: Invocation): Promise<void> | undefined {
  const integration = inv.method!.integration;
  const run = integration ? INTEGRATIONS.get(integration.type) : undefined;
  if (!run) throw new GatewayError("API_CONFIGURATION_ERROR");
  inv.integrationStarted = performance.now();
  const out = run(inv);
  if (out instanceof Promise) return out.then((o) => void (inv.integration = o));
  inv.integration = out;
  return undefined;
}
