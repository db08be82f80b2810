/**
 * Gateway responses: API Gateway's own answers (`DEFAULT_4XX`, `THROTTLED`, ...) customized,
 * with the CORS headers added when CORS is on, as `aws_api_gateway_gateway_response`.
 */
import { ApiGatewayGatewayResponse } from "@cdktf/provider-aws/lib/api-gateway-gateway-response";
import type { ApiGatewayRestApi } from "@cdktf/provider-aws/lib/api-gateway-rest-api";
import type { Construct } from "constructs";
import { PropError } from "../core/errors";
import { corsResponseHeaders, type ResolvedCors } from "./cors";
import { GATEWAY_RESPONSE_TYPES, type GatewayResponseOptions, type GatewayResponseType } from "./props";
import { escapeMap } from "./terraform-text";

export interface GatewayResponseDefinition {
  readonly statusCode?: string;
  readonly responseParameters?: Record<string, string>;
  readonly responseTemplates?: Record<string, string>;
}

/** The customized gateway responses of one API, by type. */
export class GatewayResponses {
  private readonly responses = new Map<string, GatewayResponseOptions>();

  constructor(private readonly scope: Construct) {}

  add(type: GatewayResponseType, options: GatewayResponseOptions): void {
    const where = this.scope.node.path;
    if (!(GATEWAY_RESPONSE_TYPES as readonly string[]).includes(type)) {
      throw new PropError(where, "gatewayResponse", type, `use one of ${GATEWAY_RESPONSE_TYPES.join(", ")}.`);
    }
    if (this.responses.has(type)) {
      throw new PropError(where, "gatewayResponse", type, "this response is already customized; merge the options into one call.");
    }
    if (options.statusCode !== undefined && !/^[1-5]\d\d$/.test(options.statusCode)) {
      throw new PropError(where, `gatewayResponses.${type}.statusCode`, options.statusCode, 'use a status code such as "403".');
    }
    this.responses.set(type, options);
  }

  /** Every response to write, by type (sorted): the customized ones, plus DEFAULT_4XX/5XX with CORS headers. */
  definitions(cors: ResolvedCors | undefined): Record<string, GatewayResponseDefinition> {
    const out: Record<string, GatewayResponseDefinition> = {};
    const types = new Set<string>(this.responses.keys());
    const corsOn = cors && cors.gatewayResponses ? cors : undefined;
    if (corsOn) {
      types.add("DEFAULT_4XX");
      types.add("DEFAULT_5XX");
    }
    for (const type of [...types].sort()) {
      const o = this.responses.get(type) ?? {};
      const params: Record<string, string> = {};
      if (corsOn) {
        const headers = {
          ...corsResponseHeaders(corsOn),
          "Access-Control-Allow-Headers": `'${corsOn.allowHeaders.join(",")}'`,
        };
        for (const [h, v] of Object.entries(headers)) params[`gatewayresponse.header.${h}`] = v;
      }
      for (const [h, v] of Object.entries(o.headers ?? {})) params[`gatewayresponse.header.${h}`] = `'${v.replace(/'/g, "")}'`;
      out[type] = {
        ...(o.statusCode !== undefined ? { statusCode: o.statusCode } : {}),
        ...(Object.keys(params).length > 0 ? { responseParameters: params } : {}),
        ...(o.templates ? { responseTemplates: escapeMap(o.templates) } : {}),
      };
    }
    return out;
  }

  render(api: ApiGatewayRestApi, cors: ResolvedCors | undefined): ApiGatewayGatewayResponse[] {
    return Object.entries(this.definitions(cors)).map(
      ([type, o]) =>
        new ApiGatewayGatewayResponse(this.scope, `GatewayResponse-${type}`, {
          restApiId: api.id,
          responseType: type,
          statusCode: o.statusCode,
          responseParameters: o.responseParameters,
          responseTemplates: o.responseTemplates,
        }),
    );
  }
}
