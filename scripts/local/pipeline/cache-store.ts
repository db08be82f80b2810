/** Step: cache store. A successful response of a caching method is kept for the method's TTL. */
import type { Invocation } from "./invocation";

export function cacheStore(inv: Invocation): void {
  const response = inv.response;
  if (!inv.cacheKey || !response || response.status >= 300) return;
  // A copy: the response about to be sent gets this request's own headers.
  inv.gw.cache.set(inv.cacheKey, { status: response.status, headers: { ...response.headers }, body: response.body }, inv.settings?.cacheTtlInSeconds ?? 300);
}
