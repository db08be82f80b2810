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

const HEADER_NAME = /^[A-Za-z0-9-]{1,128}$/;
/** What a gateway response header may be mapped from (AWS API Gateway developer guide, "Gateway responses in API Gateway"). */
const MAPPING_SOURCE = /^(method\.request\.(header|querystring|path|multivalueheader|multivaluequerystring)\.[A-Za-z0-9_.-]+|context\.[A-Za-z0-9_.]+|stageVariables\.[A-Za-z0-9_]+)$/;

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
    for (const [header, source] of Object.entries(options.headerMappings ?? {})) {
      if (!HEADER_NAME.test(header)) {
        throw new PropError(where, `gatewayResponses.${type}.headerMappings`, header, 'name a response header with letters, digits and "-", e.g. "X-Correlation-Id".');
      }
      if (!MAPPING_SOURCE.test(source)) {
        throw new PropError(
          where,
          `gatewayResponses.${type}.headerMappings.${header}`,
          source,
          'map from "method.request.header.<Name>" (or querystring/path/multivalueheader/multivaluequerystring), "context.<var>" or "stageVariables.<name>"; a fixed value goes in "headers".',
        );
      }
      if (options.headers && header in options.headers) {
        throw new PropError(where, `gatewayResponses.${type}.headerMappings`, header, 'this header is also in "headers": keep one of them.');
      }
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
      for (const [h, v] of Object.entries(o.headerMappings ?? {})) params[`gatewayresponse.header.${h}`] = v;
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
