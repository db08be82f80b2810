/**
 * Methods: `aws_api_gateway_method` of a route (authorization, API key, declared request
 * parameters and models, request validator), and the request validators, one per kind
 * used and shared by the API's methods.
 */
import { ApiGatewayMethod } from "@cdktf/provider-aws/lib/api-gateway-method";
import { ApiGatewayRequestValidator } from "@cdktf/provider-aws/lib/api-gateway-request-validator";
import type { ApiGatewayRestApi } from "@cdktf/provider-aws/lib/api-gateway-rest-api";
import type { Construct } from "constructs";
import { methodAuthorization, type Authorizers } from "./authorizer";
import type { Models } from "./model";
import type { RouteDefinition, Validator } from "./types";

/** The request validators of one API, created when first used. */
export class Validators {
  private readonly validators = new Map<Validator, ApiGatewayRequestValidator>();

  constructor(
    private readonly scope: Construct,
    private readonly api: ApiGatewayRestApi,
  ) {}

  /** The validator's id, or undefined for `NONE`. */
  idFor(v: Validator): string | undefined {
    if (v === "NONE") return undefined;
    let r = this.validators.get(v);
    if (!r) {
      r = new ApiGatewayRequestValidator(this.scope, `Validator-${v}`, {
        restApiId: this.api.id,
        name: { NONE: "none", BODY: "body", PARAMS: "params", BODY_AND_PARAMS: "body-and-params" }[v],
        validateRequestBody: v === "BODY" || v === "BODY_AND_PARAMS",
        validateRequestParameters: v === "PARAMS" || v === "BODY_AND_PARAMS",
      });
      this.validators.set(v, r);
    }
    return r.id;
  }

  resources(): ApiGatewayRequestValidator[] {
    return [...this.validators.values()];
  }
}

export interface MethodInput {
  readonly scope: Construct;
  readonly api: ApiGatewayRestApi;
  readonly def: RouteDefinition;
  readonly resourceId: string;
  readonly authorizers: Authorizers;
  readonly models: Models;
  readonly validators: Validators;
}

export function renderMethod(x: MethodInput): ApiGatewayMethod {
  const { def } = x;
  const auth = methodAuthorization(x.authorizers, def.authorizer);
  return new ApiGatewayMethod(x.scope, `Method ${def.method} ${def.path}`, {
    restApiId: x.api.id,
    resourceId: x.resourceId,
    httpMethod: def.method,
    authorization: auth.authorization,
    authorizerId: auth.authorizerId,
    authorizationScopes: def.authorizationScopes.length > 0 ? [...def.authorizationScopes] : undefined,
    apiKeyRequired: def.apiKeyRequired,
    requestParameters: Object.keys(def.requestParameters).length > 0 ? { ...def.requestParameters } : undefined,
    requestModels: x.models.resourceNames(def.requestModels),
    requestValidatorId: x.validators.idFor(def.validator),
    operationName: def.operationName,
  });
}
