/**
 * Numeric limits shared by stages, routes, usage plans and authorizers: throttles
 * (rate/burst) and cache or result TTLs.
 */
import { isResolved, PropError } from "../core/errors";
import type { Throttle, ThrottleInput } from "./types";

/** Normalizes `rate/burst` or `rateLimit/burstLimit` and checks both are non-negative. */
export function resolveThrottle(input: ThrottleInput, where: string, prop: string): Throttle {
  const rate = "rate" in input ? input.rate : input.rateLimit;
  const burst = "burst" in input ? input.burst : input.burstLimit;
  for (const [name, v] of [["rate", rate], ["burst", burst]] as const) {
    if (isResolved(v) && (!Number.isFinite(v) || v < 0)) {
      throw new PropError(where, `${prop}.${name}`, v, `use a non-negative number (requests${name === "rate" ? " per second" : ""}).`);
    }
  }
  if (isResolved(burst) && !Number.isInteger(burst)) {
    throw new PropError(where, `${prop}.burst`, burst, "use a whole number of requests.");
  }
  return { rate, burst };
}

/** A cache or authorizer-result TTL: 0..3600 whole seconds. */
export function checkTtl(ttl: number, where: string, prop: string): void {
  if (isResolved(ttl) && (!Number.isInteger(ttl) || ttl < 0 || ttl > 3600)) {
    throw new PropError(where, prop, ttl, "use a whole number of seconds from 0 to 3600.");
  }
}
