/**
 * Token buckets (rate per second, burst capacity) and usage-plan quotas, as API Gateway
 * applies them. The clock is injectable so that behaviour, not wall-clock time, is tested.
 */
export type Clock = () => number;
export const systemClock: Clock = () => performance.timeOrigin + performance.now();

export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    readonly rate: number,
    readonly burst: number,
    private readonly clock: Clock = systemClock,
  ) {
    this.tokens = burst;
    this.last = clock();
  }

  /** Takes one token; false when the bucket is empty. */
  take(): boolean {
    const now = this.clock();
    if (Number.isFinite(this.rate)) this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.rate);
    else this.tokens = this.burst;
    this.last = now;
    if (this.burst <= 0 || this.rate <= 0) return false;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return true;
    }
    return false;
  }
}

/** Buckets by key, created on first use. */
export class Throttles {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(private readonly clock: Clock = systemClock) {}

  take(key: string, rate: number, burst: number): boolean {
    let bucket = this.buckets.get(key);
    if (!bucket || bucket.rate !== rate || bucket.burst !== burst) {
      bucket = new TokenBucket(rate, burst, this.clock);
      this.buckets.set(key, bucket);
    }
    return bucket.take();
  }
}

/** Start (ms since epoch, UTC) of the quota period containing `now`, shifted by `offset` days. */
export function periodStart(period: string, offset: number, now: number): number {
  const d = new Date(now);
  const day = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  const dayMs = 86_400_000;
  if (period === "DAY") return day;
  if (period === "WEEK") {
    const monday = day - ((d.getUTCDay() + 6) % 7) * dayMs;
    let start = monday + offset * dayMs;
    if (start > now) start -= 7 * dayMs;
    return start;
  }
  let start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1 + offset);
  if (start > now) start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 1, 1 + offset);
  return start;
}

/** Request counts per key and quota period. */
export class Quotas {
  private readonly used = new Map<string, { period: number; count: number }>();

  constructor(private readonly clock: Clock = systemClock) {}

  /** Counts one request; false when the limit is already reached. */
  take(key: string, limit: number, period: string, offset: number): boolean {
    const start = periodStart(period, offset, this.clock());
    let entry = this.used.get(key);
    if (!entry || entry.period !== start) {
      entry = { period: start, count: 0 };
      this.used.set(key, entry);
    }
    if (entry.count >= limit) return false;
    entry.count += 1;
    return true;
  }

  remaining(key: string, limit: number): number {
    return limit - (this.used.get(key)?.count ?? 0);
  }
}

/** `items/{ID}/GET`, `/items/{ID}/GET` and `~1items~1{ID}/GET` all become `/items/{ID}/GET`. */
export function normalizeMethodPath(methodPath: string): string {
  const decoded = methodPath.replace(/~1/g, "/");
  return decoded.startsWith("/") || decoded.startsWith("*") ? decoded : `/${decoded}`;
}
