/**
 * The invocation: one request's state as it passes through the steps of the chain. Each
 * step reads what earlier steps set and adds its own part; a step that must stop the request
 * throws a `GatewayError`, and a step that has the answer (a cache hit) sets `response` and
 * `done`.
 */
import type { ApiKeyModel, ApiModel, MethodModel, StageModel, UsagePlanModel } from "../model/types";
import type { PolicyDecision } from "../policy";
import type { GatewayRequest, RequestContext } from "../request";
import type { HttpResponse } from "../responses";
import type { TemplateScope } from "../integrations";
import type { GatewayState, MethodSettings } from "./state";

/** What an integration hands to response mapping. */
export type IntegrationOutput =
  /** Proxy integrations: the method response as the back end gave it. */
  | { readonly kind: "response"; readonly response: HttpResponse }
  /** Non-proxy integrations: the selection subject (status code or error message), body and headers to map. */
  | { readonly kind: "mapped"; readonly selector: string | undefined; readonly body: string; readonly headers: Record<string, string> };

export interface Invocation {
  readonly gw: GatewayState;
  readonly api: ApiModel;
  readonly stage: StageModel;
  readonly req: GatewayRequest;
  readonly ctx: RequestContext;
  /** `performance.now()` when the request arrived. */
  readonly started: number;
  /** The matched method (route step); every later step may rely on it. */
  method?: MethodModel;
  /** Template scope of the matched method (route step). */
  scope?: TemplateScope;
  pathParameters: Record<string, string>;
  /** `/items/{ID}/GET`, the key of method settings and per-method throttles (route step). */
  methodPath: string;
  /** Effective method settings (route step). */
  settings?: MethodSettings;
  /** The resource policy's decision (resource policy step). */
  policy: PolicyDecision;
  /** True once an `AWS_IAM` SigV4 signature was verified. */
  signed?: boolean;
  /** The Lambda authorizer's `usageIdentifierKey`. */
  usageKey?: string;
  /** The API key and the usage plan that covers this stage (API key step). */
  apiKey?: ApiKeyModel;
  plan?: UsagePlanModel;
  /** Stage cache key, when the method caches (cache lookup step). */
  cacheKey?: string;
  /** Headers added to the response whatever it is (`x-apigw-cache-control`). */
  readonly extraHeaders: Record<string, string>;
  /** `performance.now()` when the integration started. */
  integrationStarted?: number;
  integration?: IntegrationOutput;
  response?: HttpResponse;
  /** Set with `response` by a step that answers (cache hit): later request steps are skipped. */
  done?: boolean;
}

/** The matched method's template scope; only for steps after routing. */
export function scopeOf(inv: Invocation): TemplateScope {
  if (!inv.scope) throw new Error("no method matched before this step");
  return inv.scope;
}
