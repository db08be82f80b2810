/**
 * Step: API key. A method that requires one needs an enabled key (from `x-api-key`, or the
 * authorizer's `usageIdentifierKey` with `api_key_source = AUTHORIZER`) in a usage plan
 * attached to this stage.
 */
import { header } from "../request";
import { GatewayError } from "./errors";
import type { Invocation } from "./invocation";

export function apiKey(inv: Invocation): void {
  const { api, stage, req, ctx } = inv;
  if (!inv.method!.apiKeyRequired) return;
  const value = api.apiKeySource === "AUTHORIZER" ? inv.usageKey : header(req, "x-api-key");
  const key = value === undefined ? undefined : inv.gw.keysByValue.get(value);
  const plan = key?.enabled ? inv.gw.model.usagePlans.find((p) => p.keyIds.includes(key.id) && p.apiStages.some((s) => s.apiId === api.id && s.stage === stage.name)) : undefined;
  if (!key || !plan) throw new GatewayError("INVALID_API_KEY");
  ctx.identity.apiKey = key.value;
  ctx.identity.apiKeyId = key.id;
  inv.apiKey = key;
  inv.plan = plan;
}
