/**
 * `GatewayError`: how a step stops a request. Rendered in one place (`renderError`) through
 * the stage's gateway responses, so customised responses and their CORS headers apply to
 * every failure the gateway itself produces.
 */
import type { ApiModel, StageModel } from "../model/types";
import type { GatewayRequest, RequestContext } from "../request";
import { defaultStatus, gatewayError, type GatewayResponseType, type HttpResponse } from "../responses";

export class GatewayError extends Error {
  /** API Gateway's default status for the type (a customised gateway response may change it). */
  readonly status: number;

  constructor(
    readonly type: GatewayResponseType,
    /** Replaces the type's default message (`Missing required request parameters: [q]`). */
    readonly detail?: string,
    /** The default body's key: `Message` for resource policy denials. */
    readonly messageKey?: string,
    /** This failure's status when it differs from the type's default (and no gateway response sets one). */
    status?: number,
  ) {
    super(detail ?? type);
    this.name = "GatewayError";
    this.status = status ?? defaultStatus(type);
  }
}

/** What is known of the request when it failed: nothing before the stage is found. */
export interface FailureScope {
  readonly api?: ApiModel;
  readonly stage?: StageModel;
  readonly req?: GatewayRequest;
  readonly ctx?: RequestContext;
  readonly pathParameters?: Record<string, string>;
}

/** The response API Gateway sends for a gateway error in this scope. */
export function renderError(error: GatewayError, scope: FailureScope): HttpResponse {
  return gatewayError(error.type, { ...scope, message: error.detail, messageKey: error.messageKey, status: error.status });
}
