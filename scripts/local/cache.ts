/**
 * A map whose entries expire after a TTL: the stage cache (responses of methods that enable
 * caching, keyed by stage, method, resource path and the integration's cache key parameters)
 * and the Lambda authorizers' results (by authorizer and identity). A TTL of 0 stores nothing.
 */
export class TtlCache<T> {
  private readonly entries = new Map<string, { value: T; expires: number }>();

  get(key: string, now = Date.now()): T | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.expires <= now) {
      this.entries.delete(key);
      return undefined;
    }
    return e.value;
  }

  set(key: string, value: T, ttlSeconds: number, now = Date.now()): void {
    if (ttlSeconds > 0) this.entries.set(key, { value, expires: now + ttlSeconds * 1000 });
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}
