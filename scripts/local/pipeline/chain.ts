/**
 * The handler chain: the request steps in API Gateway's order, each a function of the
 * invocation. A step stops the request by throwing a `GatewayError`, rendered here, in one
 * place, through the stage's gateway responses; anything else thrown is a 500 (and a notice),
 * except a stack overflow, which only a too deeply nested request body causes (400).
 */
import { apiKey } from "./api-key";
import { authorize } from "./authorizer";
import { cacheLookup } from "./cache-lookup";
import { cacheStore } from "./cache-store";
import { GatewayError, renderError } from "./errors";
import { integrate } from "./integration";
import type { Invocation } from "./invocation";
import { quota } from "./quota";
import { validateRequest } from "./request-validation";
import { resourcePolicy } from "./resource-policy";
import { mapResponse } from "./response-mapping";
import { route } from "./route";
import { throttle } from "./throttle";

export type Step = (inv: Invocation) => void | Promise<void> | undefined;

export const STEPS: readonly Step[] = [route, resourcePolicy, authorize, apiKey, throttle, quota, validateRequest, cacheLookup, integrate, mapResponse, cacheStore];

/** Runs the steps until one answers or fails; `inv.response` is set on return. */
export async function runChain(inv: Invocation, steps: readonly Step[] = STEPS): Promise<void> {
  try {
    for (const step of steps) {
      const pending = step(inv);
      if (pending !== undefined) await pending;
      if (inv.done) break;
    }
    if (!inv.response) throw new Error("no step answered");
  } catch (error) {
    inv.response = renderError(asGatewayError(inv, error), inv);
  }
}

function asGatewayError(inv: Invocation, error: unknown): GatewayError {
  if (error instanceof GatewayError) return error;
  if (error instanceof RangeError && /call stack/i.test(error.message)) return new GatewayError("BAD_REQUEST_BODY", "Request body is nested too deeply");
  inv.gw.notice(`[${inv.api.stack}/${inv.stage.name}] ${inv.req.httpMethod} ${inv.req.path}: ${(error as Error).message}`);
  return new GatewayError("API_CONFIGURATION_ERROR");
}
