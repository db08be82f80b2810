/**
 * The public face of integrations: plain data built by `lambdaProxy`, `lambdaIntegration`,
 * `mockIntegration` and `httpProxy`. Each type's file (`integrations/<type>.ts`) binds its
 * checks, its Terraform and its hash input; `registry.ts` picks the one for an integration.
 */
import type { HttpIntegration, HttpProxyIntegration } from "./http";
import type { LambdaIntegration, LambdaProxyIntegration } from "./lambda";
import type { MockIntegration } from "./mock";

export {
  httpIntegration,
  httpProxy,
  type HttpIntegration,
  type HttpIntegrationOptions,
  type HttpProxyIntegration,
  type HttpProxyOptions,
} from "./http";
export {
  lambdaIntegration,
  lambdaProxy,
  type LambdaIntegration,
  type LambdaIntegrationOptions,
  type LambdaProxyIntegration,
  type LambdaProxyOptions,
} from "./lambda";
export { mockIntegration, type MockIntegration, type MockIntegrationOptions } from "./mock";
export {
  catchAllErrorResponse,
  responseHeaderKey,
  type CatchAllErrorOptions,
  type IntegrationResponse,
  type PassthroughBehavior,
} from "./responses";
export {
  aliasName,
  describeTarget,
  isAliasTarget,
  isStageVariableTarget,
  targetFunction,
  type LambdaAliasTarget,
  type LambdaTarget,
} from "./target";

export type Integration = LambdaProxyIntegration | LambdaIntegration | MockIntegration | HttpProxyIntegration | HttpIntegration;
export type IntegrationType = Integration["type"];
