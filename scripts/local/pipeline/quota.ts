/** Step: quota. Counts the request against the key's usage-plan quota (DAY/WEEK/MONTH, UTC, offset). */
import { GatewayError } from "./errors";
import type { Invocation } from "./invocation";

export function quota(inv: Invocation): void {
  const { plan, apiKey } = inv;
  if (!plan?.quota || !apiKey) return;
  if (!inv.gw.quotas.take(`${plan.id}/${apiKey.id}`, plan.quota.limit, plan.quota.period, plan.quota.offset)) throw new GatewayError("QUOTA_EXCEEDED");
}
