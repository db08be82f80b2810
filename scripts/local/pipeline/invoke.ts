/**
 * One Lambda invocation from the gateway (an integration or an authorizer): the version's
 * workers, raced against the gateway-side timeout.
 */
import type { LambdaTarget } from "../lambda";
import type { InvokeResult } from "../workers";
import type { Invocation } from "./invocation";

export async function invokeFunction(inv: Invocation, target: LambdaTarget, event: unknown, timeoutMs: number): Promise<InvokeResult | "integration-timeout"> {
  const runner = inv.gw.pool.get(target.fn.functionName, target.version);
  if (!runner) return { ok: false, kind: "crash", error: { errorType: "ResourceNotFoundException", errorMessage: `Function not found: ${target.invokedArn}` } };
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"integration-timeout">((resolve) => (timer = setTimeout(() => resolve("integration-timeout"), timeoutMs)));
  try {
    return await Promise.race([runner.invoke(event, { invokedArn: target.invokedArn }), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
