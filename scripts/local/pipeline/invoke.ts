/**
 * One Lambda invocation from the gateway (an integration or an authorizer): the version's
 * workers, raced against the gateway-side timeout.
 */
import type { LambdaTarget } from "../lambda";
import type { InvokeResult, ValueResult } from "../workers";
import type { Invocation } from "./invocation";

export function invokeFunction(inv: Invocation, target: LambdaTarget, event: unknown, timeoutMs: number): Promise<InvokeResult | "integration-timeout">;
/** `value`: the result as a value (what the caller would get parsing the payload). */
export function invokeFunction(inv: Invocation, target: LambdaTarget, event: unknown, timeoutMs: number, answer: "value"): Promise<ValueResult | "integration-timeout">;
export async function invokeFunction(inv: Invocation, target: LambdaTarget, event: unknown, timeoutMs: number, answer?: "value"): Promise<InvokeResult | ValueResult | "integration-timeout"> {
  const runner = inv.gw.pool.get(target.fn.functionName, target.version);
  if (!runner) return { ok: false, kind: "crash", error: { errorType: "ResourceNotFoundException", errorMessage: `Function not found: ${target.invokedArn}` } };
  return new Promise<InvokeResult | ValueResult | "integration-timeout">((resolve, reject) => {
    const timer = setTimeout(resolve, timeoutMs, "integration-timeout");
    runner.invoke(event, { invokedArn: target.invokedArn, answer }).then(
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
