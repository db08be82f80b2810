/**
 * Step: cache lookup. For a method with caching enabled on a stage with a cache cluster: the
 * key from the integration's cache key parameters, `Cache-Control: max-age=0` invalidation
 * (only for a validly signed request when authorization is required), and a hit answers.
 */
import { header } from "../request";
import { mappingValue } from "../responses";
import { GatewayError } from "./errors";
import type { Invocation } from "./invocation";
import { verifySignature } from "./sigv4";

export function cacheLookup(inv: Invocation): void {
  const { api, stage, req, ctx } = inv;
  const integration = inv.method!.integration;
  if (!integration) throw new GatewayError("API_CONFIGURATION_ERROR");
  const settings = inv.settings!;
  if (!stage.cacheClusterEnabled || settings.cachingEnabled !== true || (settings.cacheTtlInSeconds ?? 300) <= 0) return;
  const keyParts = integration.cacheKeyParameters.map((p) => `${p}=${mappingValue(p, req, inv.pathParameters, stage, ctx) ?? ""}`);
  const cacheKey = `${api.id}/${stage.name}/${inv.methodPath}?${keyParts.join("&")}`;
  inv.cacheKey = cacheKey;
  const { cache } = inv.gw;
  if (/max-age=0/i.test(header(req, "cache-control") ?? "")) {
    if (!(settings.requireAuthorizationForCacheControl ?? true) || isSigned(inv)) {
      cache.delete(cacheKey);
      return;
    }
    const strategy = settings.unauthorizedCacheControlHeaderStrategy ?? "SUCCEED_WITH_RESPONSE_HEADER";
    if (strategy === "FAIL_WITH_403") throw new GatewayError("ACCESS_DENIED", "User is not authorized to perform: execute-api:InvalidateCache");
    if (strategy === "SUCCEED_WITH_RESPONSE_HEADER") inv.extraHeaders["x-apigw-cache-control"] = "Ignored: not authorized to invalidate the cache";
  }
  const hit = cache.get(cacheKey);
  if (hit) {
    inv.response = { status: hit.status, headers: { ...hit.headers }, body: hit.body };
    inv.done = true;
  }
}

/** A signature verified by the authorizer step, or one that verifies now. */
function isSigned(inv: Invocation): boolean {
  inv.signed ??= verifySignature(inv) === undefined;
  return inv.signed;
}
