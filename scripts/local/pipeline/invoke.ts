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
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, timeoutMs, "integration-timeout");
    runner.invoke(event, { invokedArn: target.invokedArn }).then(
      (result) => {
        clearTimeout(timer);
        resolve(result);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error as Error);
      },
    );
  });
}
