/**
 * What each integration type provides: its checks at `addRoute`, its Terraform (the
 * `aws_api_gateway_integration` and any permission it needs) and its input to the
 * deployment hash. One object per type, in `integrations/<type>.ts`.
 */
import type { ApiGatewayIntegration } from "@cdktf/provider-aws/lib/api-gateway-integration";
import type { ApiGatewayMethod } from "@cdktf/provider-aws/lib/api-gateway-method";
import type { ApiGatewayRestApi } from "@cdktf/provider-aws/lib/api-gateway-rest-api";
import type { Construct } from "constructs";
import type { ResolvedStage, RouteDefinition } from "../types";
import type { IntegrationResponse } from "./responses";

export interface CheckContext {
  /** Construct path of the API, for errors. */
  readonly where: string;
  /** `routes["GET /items"]`, for errors. */
  readonly prop: string;
  /** `GET /items`, for errors. */
  readonly route: string;
  readonly path: string;
  readonly pathParams: readonly string[];
  readonly stages: Iterable<ResolvedStage>;
}

export interface RenderContext {
  readonly scope: Construct;
  readonly api: ApiGatewayRestApi;
  readonly def: RouteDefinition;
  readonly method: ApiGatewayMethod;
  /** `GET /items/{ID}`: the construct ids' suffix. */
  readonly label: string;
  /** Arguments every integration resource shares. */
  readonly common: {
    readonly restApiId: string;
    readonly resourceId: string;
    readonly httpMethod: string;
    readonly cacheKeyParameters: string[] | undefined;
  };
  readonly stages: Iterable<ResolvedStage>;
}

export interface RenderedIntegration {
  readonly integration: ApiGatewayIntegration;
  /** Integration responses to render (none for proxy integrations). */
  readonly responses: readonly IntegrationResponse[];
  /** A response without a template of its own has no body to keep (a mock). */
  readonly emptyBody?: boolean;
}

export interface HashContext {
  /** A token's Terraform expression (stable across synths), or the plain text. */
  readonly stable: (text: string) => string;
  readonly stages: Iterable<ResolvedStage>;
}

export interface IntegrationKind<I> {
  check(i: I, ctx: CheckContext): void;
  render(i: I, ctx: RenderContext): RenderedIntegration;
  /** Plain data whose change needs a redeployment: what the integration URI resolves to included. */
  hashInput(i: I, ctx: HashContext): unknown;
}
