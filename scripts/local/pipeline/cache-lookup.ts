/**
 * Step: cache lookup. For a method with caching enabled on a stage with a cache cluster: the
 * key from the integration's cache key parameters, `Cache-Control: max-age=0` invalidation
 * (only for a validly signed request when authorization is required), and a hit answers.
 */
import { header } from "../request";
import { mappingValue } from "../responses";
import { GatewayError } from "./errors";
import type { Invocation } from "./invocation";
import type { MethodSettings } from "./state";
import { verifySignature } from "./sigv4";

export function cacheLookup(inv: Invocation): Promise<void> | undefined {
  const { api, stage, req, ctx } = inv;
  const integration = inv.method!.integration;
  if (!integration) throw new GatewayError("API_CONFIGURATION_ERROR");
  const settings = inv.settings!;
  if (!stage.cacheClusterEnabled || settings.cachingEnabled !== true || (settings.cacheTtlInSeconds ?? 300) <= 0) return undefined;
  const keyParts = integration.cacheKeyParameters.map((p) => `${p}=${mappingValue(p, req, inv.pathParameters, stage, ctx) ?? ""}`);
  inv.cacheKey = `${api.id}/${stage.name}/${inv.methodPath}?${keyParts.join("&")}`;
  if (/max-age=0/i.test(header(req, "cache-control") ?? "")) return invalidate(inv, settings);
  lookup(inv);
  return undefined;
}

/** `Cache-Control: max-age=0`: drops the entry when allowed (then the integration runs), else the strategy applies. */
async function invalidate(inv: Invocation, settings: MethodSettings): Promise<void> {
  const authorized = !(settings.requireAuthorizationForCacheControl ?? true) || (inv.signed ??= (await verifySignature(inv)) === undefined);
  if (authorized) {
    inv.gw.cache.delete(inv.cacheKey!);
    return;
  }
  const strategy = settings.unauthorizedCacheControlHeaderStrategy ?? "SUCCEED_WITH_RESPONSE_HEADER";
  if (strategy === "FAIL_WITH_403") throw new GatewayError("ACCESS_DENIED", "User is not authorized to perform: execute-api:InvalidateCache");
  if (strategy === "SUCCEED_WITH_RESPONSE_HEADER") inv.extraHeaders["x-apigw-cache-control"] = "Ignored: not authorized to invalidate the cache";
  lookup(inv);
}

function lookup(inv: Invocation): void {
  const hit = inv.gw.cache.get(inv.cacheKey!);
  if (hit) {
    inv.response = { status: hit.status, headers: { ...hit.headers }, body: hit.body };
    inv.done = true;
  }
}
