/**
 * Stage cache: responses of methods that enable caching, keyed by stage, method, resource
 * path and the integration's cache key parameters, kept for the method's TTL.
 */
import type { HttpResponse } from "./responses";

export class StageCache {
  private readonly entries = new Map<string, { response: HttpResponse; expires: number }>();

  get(key: string, now = Date.now()): HttpResponse | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.expires <= now) {
      this.entries.delete(key);
      return undefined;
    }
    return e.response;
  }

  set(key: string, response: HttpResponse, ttlSeconds: number, now = Date.now()): void {
    if (ttlSeconds > 0) this.entries.set(key, { response, expires: now + ttlSeconds * 1000 });
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}
