/**
 * Step: throttle. The usage plan's token bucket for the key (a per-method throttle of the
 * plan's `api_stages` has its own), then the stage's and method's from method settings.
 * It runs before the quota step, so a throttled request does not count against the quota.
 */
import type { ThrottleModel } from "../model/types";
import { normalizeMethodPath } from "../throttle";
import { GatewayError } from "./errors";
import type { Invocation } from "./invocation";

export function throttle(inv: Invocation): void {
  const { api, stage, plan, apiKey, methodPath } = inv;
  const { throttles } = inv.gw;
  if (plan && apiKey) {
    const apiStage = plan.apiStages.find((s) => s.apiId === api.id && s.stage === stage.name);
    let methodThrottle: ThrottleModel | undefined;
    if (apiStage) for (const [path, t] of apiStage.throttle) if (normalizeMethodPath(path) === methodPath) methodThrottle ??= t;
    const limits = methodThrottle ?? plan.throttle;
    if (limits && !throttles.take(`plan/${plan.id}/${apiKey.id}${methodThrottle ? methodPath : ""}`, limits.rateLimit, limits.burstLimit)) throw new GatewayError("THROTTLED");
  }
  const settings = inv.settings!;
  if (settings.throttlingRateLimit !== undefined || settings.throttlingBurstLimit !== undefined) {
    const rate = settings.throttlingRateLimit ?? Number.POSITIVE_INFINITY;
    const burst = settings.throttlingBurstLimit ?? Math.max(1, Math.ceil(rate));
    if (!throttles.take(`stage/${api.id}/${stage.name}/${settings.source}`, rate, burst)) throw new GatewayError("THROTTLED");
  }
}
